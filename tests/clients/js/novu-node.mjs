// @novu/node (the older axios-based SDK) through every integrations method it has.
// Usage: node novu-node.mjs <server url> <development api key>
import assert from "node:assert/strict";
import { Novu } from "@novu/node";
import { steps } from "./steps.mjs";

const [backendUrl, apiKey] = process.argv.slice(2);
const novu = new Novu(apiKey, { backendUrl });
const record = steps("@novu/node");
const step = record.step;

async function expectStatus(name, status, message, run) {
  await assert.rejects(run, (error) => {
    assert.equal(error.response?.status, status, `${name}: ${error}`);
    assert.equal(error.response.data.message, message);
    assert.equal(error.response.data.statusCode, status);
    return true;
  });
  record.errors.push(`${name}: ${status} ${message}`);
}

let all;
await step("getAll", async () => {
  all = (await novu.integrations.getAll()).data.data;
  assert.equal(all.length, 12);
});
await step("getActive", async () => {
  const active = (await novu.integrations.getActive()).data.data;
  assert.equal(active.length, all.filter((i) => i.active).length);
});
let created;
await step("create", async () => {
  const response = await novu.integrations.create("twilio", {
    channel: "sms", active: true, credentials: { accountSid: "AC123", token: "secret" },
  });
  assert.equal(response.status, 201);
  created = response.data.data;
  assert.equal(created.providerId, "twilio");
});
await step("update", async () => {
  const updated = (await novu.integrations.update(created._id, { name: "SMS EU" })).data.data;
  assert.equal(updated.name, "SMS EU");
});
await step("setIntegrationAsPrimary", async () => {
  const primary = (await novu.integrations.setIntegrationAsPrimary(created._id)).data.data;
  assert.equal(primary.primary, true);
});
await step("getWebhookProviderStatus", async () => {
  const supported = (await novu.integrations.getWebhookProviderStatus("twilio")).data.data;
  assert.equal(supported, true);
});
await step("delete", async () => {
  const remaining = (await novu.integrations.delete(created._id)).data.data;
  assert.ok(!remaining.some((i) => i._id === created._id));
});

// Novu keeps the in-app status route for its dashboard: API keys are refused, as Novu does.
await expectStatus("getInAppStatus with an API key", 401, "API endpoint not available",
  () => novu.integrations.getInAppStatus());
await expectStatus("delete unknown", 404, `Entity with id ${"f".repeat(24)} not found`,
  () => novu.integrations.delete("f".repeat(24)));
await expectStatus("set primary on chat", 400, "Channel chat does not support primary",
  () => novu.integrations.setIntegrationAsPrimary(all.find((i) => i.channel === "chat")._id));
await novu.integrations.create("ses", { channel: "email", identifier: "dup" });
await expectStatus("duplicate identifier", 409, "Integration with identifier already exists",
  () => novu.integrations.create("ses", { channel: "email", identifier: "dup" }));
const stranger = new Novu("wrong", { backendUrl });
await expectStatus("wrong key", 401, "API Key not found", () => stranger.integrations.getAll());
await assert.rejects(() => novu.integrations.create(undefined, { channel: "email" }),
  (error) => error.response?.status === 422 && "providerId" in error.response.data.errors);
record.errors.push("create without providerId: 422 ValidationErrorDto");

record.report();
