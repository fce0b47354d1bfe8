import readline from 'node:readline';
import { UsageError } from './errors.ts';

/** A password from stdin (for scripts: `echo … | retain users add …`) or typed at a hidden prompt. */
export async function readPassword(prompt: string, confirm: boolean): Promise<string> {
  if (!process.stdin.isTTY) {
    let text = '';
    for await (const chunk of process.stdin) text += String(chunk);
    const password = text.replace(/\r?\n$/, '');
    if (!password) throw new UsageError('no password on standard input');
    return password;
  }
  const first = await hiddenQuestion(prompt);
  if (confirm && (await hiddenQuestion('Again: ')) !== first)
    throw new UsageError('the two passwords differ');
  return first;
}

function hiddenQuestion(prompt: string): Promise<string> {
  return new Promise((resolve) => {
    const rl = readline.createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    const write = (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput;
    // Echo the prompt, not the keystrokes.
    (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = (s: string) => {
      if (s.startsWith(prompt)) write.call(rl, prompt);
    };
    rl.question(prompt, (answer) => {
      rl.close();
      process.stderr.write('\n');
      resolve(answer);
    });
  });
}
