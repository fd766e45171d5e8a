/** The Wi-Fi blueprint's services (§1.2.4), on radio/interface 0 of a simulated router. */
import { CommandError, type RouterSim, type WifiIface } from './router-sim.js';

function radio0(router: RouterSim): WifiIface {
  const iface = router.wifiIfaces[0];
  if (iface === undefined) {
    throw new CommandError('Failed to check WiFi status: uci: Entry not found');
  }
  return iface;
}

export function wifiStatus(router: RouterSim): {
  enabled: boolean;
  ssid: string;
  encryption: string;
} {
  const iface = radio0(router);
  return { enabled: router.wifiEnabled, ssid: iface.ssid, encryption: iface.encryption };
}

export function enableWifi(router: RouterSim): string {
  const iface = radio0(router);
  if (router.wifiEnabled) {
    return 'WiFi is already enabled';
  }
  router.wifiEnabled = true;
  return iface.ssid === ''
    ? 'WiFi enabled, but could not retrieve current SSID.'
    : `WiFi enabled successfully with SSID: ${iface.ssid}`;
}

/** Sets the key and forces psk2 (§1.2.4). Validation happens in the route. */
export function changePassword(router: RouterSim, password: string): string {
  const iface = radio0(router);
  iface.key = password;
  iface.encryption = 'psk2';
  return iface.ssid === ''
    ? 'WiFi password changed successfully.'
    : `WiFi password changed for network: ${iface.ssid}`;
}

/** `uci get wireless.@wifi-iface[N].ssid`: negative N counts from the end, as uci does. */
export function getSsid(router: RouterSim, index: number): { ssid: string } {
  const count = router.wifiIfaces.length;
  const position = index < 0 ? count + index : index;
  const iface = router.wifiIfaces[position];
  if (iface === undefined) {
    throw new CommandError('Failed to get SSID: uci: Entry not found');
  }
  return { ssid: iface.ssid };
}

export function setSsid(router: RouterSim, ssid: string): string {
  radio0(router).ssid = ssid;
  return `WiFi SSID changed successfully to: ${ssid}`;
}
