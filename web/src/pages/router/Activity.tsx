// Placeholder until this section is built (issue #15).
export default function Activity() {
  return <h2>Activity</h2>;
}
