// Placeholder until this section is built (issue #15).
export default function Account() {
  return <h1>Account</h1>;
}
