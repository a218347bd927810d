// @novu/api (the Speakeasy SDK, the strictest parser) through an app's first calls:
// workflows, subscribers, topics, triggers, and what they delivered.
// Usage: node novu-api-box.mjs <server url> <development api key>
import assert from "node:assert/strict";
import { Novu } from "@novu/api";
import { ErrorDto } from "@novu/api/models/errors/index.js";
import { expectApiError, steps } from "./steps.mjs";

const [serverURL, secretKey] = process.argv.slice(2);
const novu = new Novu({ serverURL, secretKey, retryConfig: { strategy: "none" } });
const record = steps("@novu/api");
const step = record.step;
const expectError = (...args) => expectApiError(record, ...args);
const outbox = async (query) =>
  (await (await fetch(`${serverURL}/__mock/outbox?${new URLSearchParams(query)}`)).json()).data;

await step("workflows.create", async () => {
  const made = (await novu.workflows.create({
    name: "Invoice paid",
    workflowId: "invoice-paid",
    active: true,
    steps: [
      { name: "Email", type: "email",
        controlValues: { subject: "Invoice {{ payload.number }} paid", body: "Thanks" } },
      { name: "Inbox", type: "in_app", controlValues: { body: "Paid: {{ payload.number }}" } },
    ],
  })).result;
  assert.equal(made.workflowId, "invoice-paid");
  assert.deepEqual(made.steps.map((s) => s.type), ["email", "in_app"]);
});
await step("workflows.patch", async () => {
  const patched = (await novu.workflows.patch({ tags: ["billing"] }, "invoice-paid")).result;
  assert.deepEqual(patched.tags, ["billing"]);
});
await step("workflows.list", async () => {
  const listed = (await novu.workflows.list({ query: "invoice" })).result;
  assert.deepEqual(listed.workflows.map((w) => w.workflowId), ["invoice-paid"]);
});
await step("topics.create", async () => {
  await novu.subscribers.create({ subscriberId: "js-eve", email: "eve@acme.test" });
  await novu.subscribers.create({ subscriberId: "js-max", email: "max@acme.test" });
  const topic = (await novu.topics.create({ key: "accounting", name: "Accounting" })).result;
  assert.equal(topic.key, "accounting");
});
await step("topics.subscriptions.create", async () => {
  const added = (await novu.topics.subscriptions.create(
    { subscriberIds: ["js-eve", "js-max"] }, "accounting",
  )).result;
  assert.equal(added.meta.successful, 2);
});
let direct;
await step("trigger", async () => {
  direct = (await novu.trigger({
    workflowId: "invoice-paid", to: "js-eve", payload: { number: "INV-7" },
  })).result;
  assert.equal(direct.status, "processed");
  const sent = await outbox({ transaction: direct.transactionId, channel: "email" });
  assert.deepEqual(sent.map((m) => [m.subscriberId, m.subject]), [["js-eve", "Invoice INV-7 paid"]]);
});
await step("trigger to a topic", async () => {
  const answer = (await novu.trigger({
    workflowId: "invoice-paid", to: { type: "Topic", topicKey: "accounting" }, payload: {},
  })).result;
  const reached = new Set((await outbox({ transaction: answer.transactionId })).map((m) => m.subscriberId));
  assert.deepEqual([...reached].sort(), ["js-eve", "js-max"]);
});
await step("triggerBulk", async () => {
  const answers = (await novu.triggerBulk({
    events: [
      { workflowId: "invoice-paid", to: "js-max", payload: {} },
      { workflowId: "no-such-workflow", to: "js-max", payload: {} },
    ],
  })).result;
  assert.deepEqual(answers.map((a) => a.status), ["processed", "error"]);
});
await step("cancel", async () => {
  assert.equal((await novu.cancel(direct.transactionId)).result, false);
});
await step("messages.retrieve", async () => {
  const page = (await novu.messages.retrieve({ subscriberId: "js-eve", channel: "email" })).result;
  assert.equal(page.data.length, 2);
});
await step("topics.delete", async () => {
  assert.equal((await novu.topics.delete("accounting")).result.acknowledged, true);
});
await step("workflows.delete", async () => {
  await novu.workflows.delete("invoice-paid");
});

await expectError("get a deleted workflow", 404, ErrorDto, () => novu.workflows.get("invoice-paid"));
await expectError("get a deleted topic", 404, ErrorDto, () => novu.topics.get("accounting"));

record.report();
