// @novu/node (the older axios-based SDK), unchanged: its v1 workflow (notificationTemplates),
// subscriber and topic methods set the scene, then its events methods run: trigger (to a
// subscriber and to a topic), bulkTrigger, broadcast and cancel.
// Usage: node novu-node-box.mjs <server url> <development api key>
import assert from "node:assert/strict";
import { Novu } from "@novu/node";
import { steps } from "./steps.mjs";

const [backendUrl, apiKey] = process.argv.slice(2);
const novu = new Novu(apiKey, { backendUrl });
const record = steps("@novu/node");
const step = record.step;
const outbox = async (query) =>
  (await (await fetch(`${backendUrl}/__mock/outbox?${new URLSearchParams(query)}`)).json()).data;

await step("notificationTemplates.create", async () => {
  const [group] = (await novu.notificationGroups.get()).data.data;
  const made = (await novu.notificationTemplates.create({
    name: "Order ready",
    notificationGroupId: group._id,
    steps: [{ template: { type: "sms", content: "Order {{ payload.id }} is ready" } }],
  })).data.data;
  assert.equal(made.triggers[0].identifier, "order-ready");
  assert.equal(made.active, false);
  const active = (await novu.notificationTemplates.updateStatus(made._id, true)).data.data;
  assert.equal(active.active, true);
  const listed = (await novu.notificationTemplates.getAll()).data;
  assert.ok(listed.data.some((w) => w._id === made._id));
  assert.equal((await novu.notificationTemplates.getOne(made._id)).data.data.name, "Order ready");
});
await step("subscribers.identify", async () => {
  const ann = (await novu.subscribers.identify("node-ann", { phone: "+15550101" })).data.data;
  assert.equal(ann.phone, "+15550101");
  await novu.subscribers.identify("node-ben", { phone: "+15550109", firstName: "Ben" });
  const ben = (await novu.subscribers.update("node-ben", { phone: "+15550102" })).data.data;
  assert.deepEqual([ben.firstName, ben.phone], ["Ben", "+15550102"]);
  assert.equal((await novu.subscribers.get("node-ann")).data.data.subscriberId, "node-ann");
  const page = (await novu.subscribers.list(0, 100)).data;
  assert.ok(page.data.some((s) => s.subscriberId === "node-ben"));
});
await step("topics", async () => {
  assert.equal((await novu.topics.create({ key: "pickup", name: "Pickup" })).data.data.key, "pickup");
  const added = (await novu.topics.addSubscribers("pickup", {
    subscribers: ["node-ann", "node-ben", "nobody"],
  })).data.data;
  assert.deepEqual(added, { succeeded: ["node-ann", "node-ben"], failed: { notFound: ["nobody"] } });
  const topic = (await novu.topics.get("pickup")).data.data;
  assert.deepEqual(topic.subscribers, ["node-ann", "node-ben"]);
  assert.equal((await novu.topics.rename("pickup", "Pick-up")).data.data.name, "Pick-up");
  assert.equal((await novu.topics.checkSubscriber("pickup", "node-ann")).data.data.topicKey, "pickup");
  assert.ok((await novu.topics.list({ key: "pickup" })).data.data.length === 1);
});

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

await step("tenants", async () => {
  const made = (await novu.tenants.create("acme", { name: "Acme", data: { tier: "gold" } })).data.data;
  assert.equal(made.identifier, "acme");
  assert.equal((await novu.tenants.update("acme", { name: "Acme Inc" })).data.data.name, "Acme Inc");
  assert.equal((await novu.tenants.get("acme")).data.data.data.tier, "gold");
  assert.ok((await novu.tenants.list({ page: 0, limit: 10 })).data.data.some((t) => t.identifier === "acme"));
  const sent = (await novu.trigger("order-ready", { to: "node-ann", payload: { id: 11 }, tenant: "acme" })).data.data;
  assert.equal(sent.status, "processed");
  const missing = (await novu.trigger("order-ready", { to: "node-ann", payload: {}, tenant: "nobody" })).data.data;
  assert.equal(missing.status, "no_tenant_found");
  assert.equal((await novu.tenants.delete("acme")).status, 204);
});
await step("topics.removeSubscribers and delete", async () => {
  await assert.rejects(novu.topics.delete("pickup"), (error) => {
    assert.equal(error.response?.status, 409);
    return true;
  });
  await novu.topics.removeSubscribers("pickup", { subscribers: ["node-ann", "node-ben"] });
  assert.equal((await novu.topics.delete("pickup")).status, 204);
});
await step("subscribers.delete", async () => {
  assert.equal((await novu.subscribers.delete("node-ben")).data.data.status, "deleted");
  await assert.rejects(novu.subscribers.get("node-ben"), (error) => {
    assert.equal(error.response?.status, 404);
    return true;
  });
});
await step("notificationTemplates.delete", async () => {
  const [workflow] = (await novu.notificationTemplates.getAll()).data.data.filter(
    (w) => w.triggers[0].identifier === "order-ready",
  );
  assert.equal((await novu.notificationTemplates.delete(workflow._id)).data.data, true);
});

record.report();
