// Placeholder until this section is built (issue #15).
export default function Usage() {
  return <h2>Usage</h2>;
}
