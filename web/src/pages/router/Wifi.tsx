// Placeholder until this section is built (issue #15).
export default function Wifi() {
  return <h2>Wifi</h2>;
}
