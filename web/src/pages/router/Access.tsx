// Placeholder until this section is built (issue #15).
export default function Access() {
  return <h2>Access</h2>;
}
