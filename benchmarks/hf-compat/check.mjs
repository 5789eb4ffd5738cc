// Usage: node check.mjs TOKENIZER_JSON TEXT_FILE IDS_FILE
// Loads a tokenizer.json written by sparklm into HuggingFace's tokenizers.js, encodes the text,
// and compares with the ids sparklm wrote (bin/tokenizer encode). Exits 1 on any difference.
import { readFileSync } from "node:fs";
import { Tokenizer } from "@huggingface/tokenizers";

const [tokenizerPath, textPath, idsPath] = process.argv.slice(2);
const tokenizer = new Tokenizer(JSON.parse(readFileSync(tokenizerPath, "utf8")), {});
const text = readFileSync(textPath, "utf8");
const expected = readFileSync(idsPath, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
const actual = tokenizer.encode(text, { add_special_tokens: false }).ids;
let i = 0;
while (i < Math.min(expected.length, actual.length) && expected[i] === actual[i]) i++;
if (i === expected.length && i === actual.length) {
  const decoded = tokenizer.decode(actual, { skip_special_tokens: false, clean_up_tokenization_spaces: false });
  console.log(`${tokenizerPath}: ${actual.length} ids identical; decode ${decoded === text ? "exact" : "DIFFERS"}`);
  process.exit(decoded === text ? 0 : 1);
}
console.log(`${tokenizerPath}: ids differ at ${i}: expected ${expected.slice(i, i + 5)} got ${actual.slice(i, i + 5)}`);
process.exit(1);
