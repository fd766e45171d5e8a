// Placeholder until this section is built (issue #15).
export default function Members() {
  return <h2>Members</h2>;
}
