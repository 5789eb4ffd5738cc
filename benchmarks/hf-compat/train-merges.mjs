// Trains HuggingFace tokenizers' BPE (the Rust trainer, through its npm binding) with GPT-2's
// byte-level pre-tokenizer on a text file and writes the first N merges as hex bytes, "left right"
// per line: the oracle BpeTrainerTest compares sparklm's trainer against.
// Usage: node train-merges.mjs TEXT_FILE N OUT_FILE   (npm install tokenizers@0.23.2 first)
// The binding exposes only the model's default trainer (vocabulary 30,000, min frequency 0); it
// reads the file line by line, each line with its "\n".
import { createRequire } from 'module';
import { writeFileSync } from 'fs';
const require = createRequire(import.meta.url);
const { Tokenizer, BPE, byteLevelPreTokenizer } = require('tokenizers');

const [file, n, out] = process.argv.slice(2);
const tok = new Tokenizer(BPE.empty());
tok.setPreTokenizer(byteLevelPreTokenizer(false, true));
tok.train([file]);
const tmp = out + '.tokenizer.json';
tok.save(tmp);
const merges = JSON.parse(require('fs').readFileSync(tmp, 'utf8')).model.merges;

// GPT-2's bytes_to_unicode, inverted: the printable bytes stand for themselves, the others
// for 256 + n in byte order.
const byteOf = new Map();
let extra = 0;
for (let b = 0; b < 256; b++) {
  const printable = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
  byteOf.set(String.fromCodePoint(printable ? b : 256 + extra++), b);
}
const hex = (s) => [...s].map((c) => byteOf.get(c).toString(16).padStart(2, '0')).join('');
const lines = merges.slice(0, Number(n)).map((m) => (Array.isArray(m) ? m : m.split(' ')).map(hex).join(' '));
writeFileSync(out, lines.join('\n') + '\n');
console.log(`${merges.length} merges learned, first ${lines.length} written to ${out}`);
