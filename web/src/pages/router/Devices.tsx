// Placeholder until this section is built (issue #15).
export default function Devices() {
  return <h2>Devices</h2>;
}
