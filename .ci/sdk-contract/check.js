// Usage: node check.js http://127.0.0.1:PORT KEY — exits non-zero on the first mismatch.
const assert = require("node:assert/strict");
const { VapiClient } = require("@vapi-ai/server-sdk");

async function expectError(promise, status, check) {
  try {
    await promise;
  } catch (e) {
    assert.equal(e.statusCode, status);
    assert.equal(e.body.statusCode, status);
    assert.equal(typeof e.body.error, "string");
    check(e.body);
    return;
  }
  assert.fail(`expected ${status}`);
}

(async () => {
  const [environment, token] = process.argv.slice(2);
  const vapi = new VapiClient({ token, environment });

  const created = await vapi.assistants.create({
    name: "SDK contract",
    firstMessage: "Hi",
    voice: { provider: "azure", voiceId: "en-US-JennyNeural", speed: 1.1 },
    metadata: { vapiSyncKey: "org/agent" },
  });
  assert.match(created.id, /^[0-9a-f-]{36}$/);
  assert.ok(!Number.isNaN(Date.parse(created.createdAt)));
  assert.equal((await vapi.assistants.get({ id: created.id })).voice.speed, 1.1);

  const updated = await vapi.assistants.update({ id: created.id, name: "SDK renamed" });
  assert.equal(updated.name, "SDK renamed");
  assert.equal(updated.firstMessage, "Hi", "PATCH keeps fields it does not name");

  const list = await vapi.assistants.list({ limit: 10 });
  assert.ok(Array.isArray(list) && list.some(a => a.id === created.id), "list is a bare array");

  await expectError(vapi.assistants.create({ voice: { provider: "playht", voiceId: "jennifer" } }), 400,
    body => assert.ok(Array.isArray(body.message), "validation messages are an array"));
  await expectError(vapi.assistants.get({ id: "3fa85f64-5717-4562-b3fc-2c963f66afa6" }), 404,
    body => assert.equal(typeof body.message, "string"));
  assert.equal((await vapi.assistants.delete({ id: created.id })).id, created.id);
  await expectError(new VapiClient({ token: "sk-wrong", environment }).assistants.list(), 401,
    body => assert.match(body.message, /^Invalid Key/));

  console.log("sdk contract: @vapi-ai/server-sdk 2.0.1 create/get/update/list/delete and 400/401/404 shapes OK");
})().catch(e => {
  console.error("sdk contract FAILED:", e);
  process.exit(1);
});
