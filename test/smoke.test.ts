import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getAlloy } from './util.ts';

test('init returns the format table', async () => {
  const a = await getAlloy();
  assert.ok(a.formats.length >= 21);
  assert.is(a.format('f8_e4m3fn').max, 448);
});

test.run();
