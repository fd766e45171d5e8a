import { useMutation, useQuery, useQueryClient, type UseQueryResult } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import type { Schemas } from '../../../api/client';
import { failureTitle } from '../failure';
import { Button, ErrorNotice, Field, SelectField } from '../../../ui';
import { useRouterContext } from '../context';
import {
  addEntry,
  deviceLabel,
  invalidateAccess,
  devicesWithIp,
  listKeys,
  type ListName,
} from './api';

const IP_PROBLEM = 'Enter an IPv4 address such as 192.168.1.10 (the router accepts IPv4 only).';
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

function added(answer: Schemas['AddedListEntry'], list: ListName): string {
  const who = answer.name ? `${answer.name} (${answer.ip})` : answer.ip;
  return answer.changed
    ? `${who} is now on the ${list}.`
    : `${who} is saved on the ${list}; the router’s ${list} already had it.`;
}

function DevicePicker({
  devices,
  value,
  onPick,
}: {
  devices: UseQueryResult<Schemas['Device'][]>;
  value: string;
  onPick: (id: string) => void;
}) {
  const known = devices.data ?? [];
  const prompt = devices.isPending
    ? 'Loading the router’s devices…'
    : known.length === 0
      ? 'No known devices: scan the network, or type an address'
      : 'Choose a device, or type an address below';
  return (
    <>
      <SelectField
        label="Known device"
        value={value}
        onChange={(e) => onPick(e.target.value)}
        disabled={devices.isPending || known.length === 0}
      >
        <option value="">{prompt}</option>
        {known.map((d) => (
          <option key={d.id} value={d.id}>
            {deviceLabel(d)}
          </option>
        ))}
      </SelectField>
      <ErrorNotice error={devices.error} />
    </>
  );
}

function useAddEntry(list: ListName, onAdded: (answer: Schemas['AddedListEntry']) => void) {
  const { routerId } = useRouterContext();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: Schemas['AddListEntryRequest']) => addEntry(routerId, list, body),
    onSuccess: onAdded,
    onSettled: () => invalidateAccess(client, routerId),
  });
}

/** Adds an address: picked from the router's known devices, or typed. */
export function AddEntry({ list, onDone }: { list: ListName; onDone: (m: string) => void }) {
  const { routerId } = useRouterContext();
  const [deviceId, setDeviceId] = useState('');
  const [ip, setIp] = useState('');
  const [name, setName] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const devices = useQuery({
    queryKey: listKeys.devices(routerId),
    queryFn: () => devicesWithIp(routerId),
  });
  const add = useAddEntry(list, (answer) => {
    onDone(added(answer, list));
    setDeviceId('');
    setIp('');
    setName('');
  });
  const pick = (id: string) => {
    setDeviceId(id);
    const device = devices.data?.find((d) => d.id === id);
    if (device) {
      setIp(device.ip ?? '');
      setName(device.name ?? device.hostname ?? '');
      setProblem(null);
    }
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const address = ip.trim();
    const wrong = IPV4.test(address) ? null : IP_PROBLEM;
    setProblem(wrong);
    if (!wrong) {
      const label = name.trim().slice(0, 100);
      add.mutate(label ? { ip: address, name: label } : { ip: address });
    }
  };
  return (
    <section aria-labelledby={`${list}-add`} className="card add-entry">
      <h4 id={`${list}-add`}>Add an address to the {list}</h4>
      <form onSubmit={submit} noValidate>
        <DevicePicker devices={devices} value={deviceId} onPick={pick} />
        <div className="row">
          <Field
            className="grow"
            label="IP address"
            hint="IPv4, e.g. 192.168.1.10."
            required
            inputMode="decimal"
            autoComplete="off"
            value={ip}
            problem={problem}
            onChange={(e) => {
              setIp(e.target.value);
              setDeviceId('');
            }}
          />
          <Field
            className="grow"
            label="Name (optional)"
            hint="Up to 100 characters."
            maxLength={100}
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
        </div>
        <ErrorNotice
          error={add.error}
          title={failureTitle(add.error, `The address was not added to the ${list}.`)}
        />
        <Button type="submit" variant="primary" busy={add.isPending}>
          Add to the {list}
        </Button>
      </form>
    </section>
  );
}
