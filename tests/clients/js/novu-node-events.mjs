// @novu/node (the older axios-based SDK) through its events methods: trigger (to a subscriber
// and to a topic), bulkTrigger, broadcast and cancel. It has no v2 subscriber, topic or
// workflow methods (its own use v1 routes the mock does not serve yet), so those are made
// through the v2 routes with fetch, as an app on @novu/api would make them.
// Usage: node novu-node-events.mjs <server url> <development api key>
import assert from "node:assert/strict";
import { Novu } from "@novu/node";
import { steps } from "./steps.mjs";

const [backendUrl, apiKey] = process.argv.slice(2);
const novu = new Novu(apiKey, { backendUrl });
const record = steps("@novu/node");
const step = record.step;
const call = async (method, path, body) => {
  const answer = await fetch(backendUrl + path, {
    method,
    headers: { Authorization: `ApiKey ${apiKey}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  assert.ok(answer.ok, `${method} ${path}: ${answer.status}`);
  return answer.json();
};
const outbox = async (query) =>
  (await (await fetch(`${backendUrl}/__mock/outbox?${new URLSearchParams(query)}`)).json()).data;

await call("POST", "/v2/workflows", {
  name: "Order ready", workflowId: "order-ready", active: true,
  steps: [{ name: "SMS", type: "sms", controlValues: { body: "Order {{ payload.id }} is ready" } }],
});
await call("POST", "/v2/subscribers", { subscriberId: "node-ann", phone: "+15550101" });
await call("POST", "/v2/subscribers", { subscriberId: "node-ben", phone: "+15550102" });
await call("POST", "/v2/topics/pickup/subscriptions", { subscriberIds: ["node-ann", "node-ben"] });

let transactionId;
await step("trigger", async () => {
  const answer = (await novu.trigger("order-ready", { to: "node-ann", payload: { id: 7 } })).data.data;
  assert.equal(answer.status, "processed");
  transactionId = answer.transactionId;
  const [sms] = await outbox({ transaction: transactionId });
  assert.deepEqual([sms.to.phone, sms.body], ["+15550101", "Order 7 is ready"]);
});
await step("trigger to a topic", async () => {
  const answer = (await novu.trigger("order-ready", {
    to: [{ type: "Topic", topicKey: "pickup" }], payload: { id: 8 },
  })).data.data;
  const reached = (await outbox({ transaction: answer.transactionId })).map((m) => m.subscriberId);
  assert.deepEqual(reached.sort(), ["node-ann", "node-ben"]);
});
await step("bulkTrigger", async () => {
  const answers = (await novu.bulkTrigger([
    { name: "order-ready", to: "node-ben", payload: { id: 9 } },
    { name: "missing", to: "node-ben", payload: {} },
  ])).data.data;
  assert.deepEqual(answers.map((a) => a.status), ["processed", "error"]);
});
await step("broadcast", async () => {
  const answer = (await novu.broadcast("order-ready", { payload: { id: 10 } })).data.data;
  assert.equal(answer.status, "processed");
});
await step("cancel", async () => {
  assert.equal((await novu.events.cancel(transactionId)).data.data, false);
});

await assert.rejects(novu.trigger("missing", { to: "node-ann", payload: {} }), (error) => {
  assert.equal(error.response?.status, 422);
  assert.equal(error.response.data.message, "workflow_not_found");
  return true;
});
record.errors.push("trigger an unknown workflow: 422 workflow_not_found");

record.report();
