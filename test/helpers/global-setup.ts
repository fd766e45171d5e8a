// Placeholder replaced by the foundation work (database template preparation).
export default function setup(): void {}
