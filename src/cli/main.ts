// Entry point of the CLI; filled in by the foundation work.
export async function main(_argv: string[]): Promise<number> {
  return 0;
}
