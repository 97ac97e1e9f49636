// Which of a text model's inputs a name means, the one rule for the tokenizer's feeds() and the
// planner's token-id data (src/tools/plan/text.ts): a name containing "mask" is the attention
// mask, "type" or "segment" the token type ids, "id" or "input" the token ids.
export type InputRole = 'mask' | 'type' | 'ids';

export function inputRole(name: string): InputRole | undefined {
  if (/mask/i.test(name)) return 'mask';
  if (/type|segment/i.test(name)) return 'type';
  if (/id|input/i.test(name)) return 'ids';
  return undefined;
}
