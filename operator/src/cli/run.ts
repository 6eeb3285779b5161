export async function runOperator(_args: string[]): Promise<number> {
  throw new Error('run: not built yet');
}
