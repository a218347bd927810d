// @novu/api (the Speakeasy SDK, the strictest parser) through the subscriber methods.
// Usage: node novu-api-subscribers.mjs <server url> <development api key>
import assert from "node:assert/strict";
import { Novu } from "@novu/api";
import { ErrorDto, ValidationErrorDto } from "@novu/api/models/errors/index.js";
import { expectApiError, steps } from "./steps.mjs";

const [serverURL, secretKey] = process.argv.slice(2);
const novu = new Novu({ serverURL, secretKey, retryConfig: { strategy: "none" } });
const record = steps("@novu/api");
const step = record.step;
const expectError = (...args) => expectApiError(record, ...args);

let made;
await step("create", async () => {
  made = (await novu.subscribers.create({
    subscriberId: "js-ada", firstName: "Ada", email: "ada@acme.test", locale: "en-GB",
  })).result;
  assert.equal(made.subscriberId, "js-ada");
  assert.equal(made.lastName, undefined); // never set: absent
});
await step("retrieve", async () => {
  const found = (await novu.subscribers.retrieve("js-ada")).result;
  assert.equal(found.id, made.id);
});
await step("patch", async () => {
  const patched = (await novu.subscribers.patch({ lastName: "Lovelace" }, "js-ada")).result;
  assert.equal(patched.lastName, "Lovelace");
  assert.equal(patched.firstName, "Ada");
});
await step("search", async () => {
  const page = (await novu.subscribers.search({ limit: 4 })).result;
  assert.equal(page.data.length, 4);
  assert.equal(page.totalCount, 6);
  assert.equal(page.previous, null);
  const rest = (await novu.subscribers.search({ limit: 4, after: page.next })).result;
  assert.equal(rest.data.length, 2);
  assert.equal(rest.next, null);
});
await step("createBulk", async () => {
  const bulk = (await novu.subscribers.createBulk({
    subscribers: [{ subscriberId: "js-bob" }, { subscriberId: "js-ada" }],
  })).result;
  assert.deepEqual(bulk.created.map((c) => c.subscriberId), ["js-bob"]);
  assert.deepEqual(bulk.updated.map((u) => u.subscriberId), ["js-ada"]);
});
await step("delete", async () => {
  const removed = (await novu.subscribers.delete("js-ada")).result;
  assert.deepEqual({ ...removed }, { acknowledged: true, status: "deleted" });
});

await expectError("retrieve deleted", 404, ErrorDto, () => novu.subscribers.retrieve("js-ada"));
await expectError("create with a bad email", 422, ValidationErrorDto,
  () => novu.subscribers.create({ subscriberId: "js-x", email: "nowhere" }));

record.report();
