// @novu/api (the Speakeasy SDK, the strictest parser) through every integrations method.
// Usage: node novu-api.mjs <server url> <development api key>
import assert from "node:assert/strict";
import { Novu } from "@novu/api";
import { ErrorDto, ValidationErrorDto } from "@novu/api/models/errors/index.js";
import { expectApiError, steps } from "./steps.mjs";

const [serverURL, secretKey] = process.argv.slice(2);
const novu = new Novu({ serverURL, secretKey, retryConfig: { strategy: "none" } });
const record = steps("@novu/api");
const step = record.step;
const expectError = (...args) => expectApiError(record, ...args);

let seeded;
await step("list", async () => {
  seeded = (await novu.integrations.list()).result;
  assert.equal(seeded.length, 12);
});
await step("listActive", async () => {
  const active = (await novu.integrations.listActive()).result;
  assert.deepEqual(active.map((i) => i.id), seeded.filter((i) => i.active).map((i) => i.id));
});

let created;
await step("create", async () => {
  created = (await novu.integrations.create({
    providerId: "sendgrid", channel: "email", name: "Transactional", active: true,
    credentials: { apiKey: "SG.js-secret", from: "ops@acme.test", senderName: "Acme" },
  })).result;
  assert.equal(created.providerId, "sendgrid");
  assert.ok(created.identifier.startsWith("transactional-"));
  assert.deepEqual(created.credentials, {});
});
await step("update", async () => {
  const updated = (await novu.integrations.update({ name: "Transactional EU" }, created.id)).result;
  assert.equal(updated.name, "Transactional EU");
});
await step("setAsPrimary", async () => {
  const primary = (await novu.integrations.setAsPrimary(created.id)).result;
  assert.equal(primary.primary, true);
});
await step("autoConfigure", async () => {
  const outcome = (await novu.integrations.integrationsControllerAutoConfigureIntegration(
    created.id)).result;
  assert.equal(outcome.success, true);
});

await novu.integrations.create({
  providerId: "slack", channel: "chat", identifier: "team-slack",
  credentials: { clientId: "1234.5678" },
});
await novu.integrations.create({
  providerId: "telegram", channel: "chat", identifier: "support-bot", name: "Support",
  credentials: { apiToken: "123456:bot-token" },
});
await step("generateConnectOAuthUrl", async () => {
  const { url } = (await novu.integrations.generateConnectOAuthUrl({
    integrationIdentifier: "team-slack" })).result;
  assert.ok(url.startsWith("https://slack.com/oauth/v2/authorize?client_id=1234.5678"));
});
await step("generateLinkUserOAuthUrl", async () => {
  const { url } = (await novu.integrations.generateLinkUserOAuthUrl({
    integrationIdentifier: "team-slack", subscriberId: "subscriber-1" })).result;
  assert.ok(url.includes("user_scope="));
});
await step("generateChatOAuthUrl", async () => {
  const { url } = (await novu.integrations.generateChatOAuthUrl({
    integrationIdentifier: "team-slack" })).result;
  assert.ok(url.startsWith("https://slack.com/"));
});
await step("createMobileLink", async () => {
  const link = (await novu.integrations.createMobileLink({ subscriberId: "s-1" }, "support-bot"))
    .result;
  assert.ok(link.token && link.url && link.expiresAt);
});
await step("configureIntegrationWebhook", async () => {
  const hook = (await novu.integrations.integrationsControllerConfigureIntegrationWebhook(
    "support-bot")).result;
  assert.equal(hook.botUsername, "support_bot");
});
await step("linkChannelEndpoint", async () => {
  const link = (await novu.integrations.linkChannelEndpoint({
    integrationIdentifier: "support-bot", subscriberId: "s-1" })).result;
  assert.ok(link.url.startsWith("https://t.me/support_bot?start="));
});
await step("delete", async () => {
  const remaining = (await novu.integrations.delete(created.id)).result;
  assert.ok(!remaining.some((i) => i.id === created.id));
});

await expectError("delete unknown", 404, ErrorDto,
  () => novu.integrations.delete("f".repeat(24)));
await expectError("create twice", 409, ErrorDto,
  () => novu.integrations.create({ providerId: "slack", channel: "chat",
    identifier: "team-slack" }));
await expectError("create without providerId", 422, ValidationErrorDto,
  () => novu.integrations.create({ channel: "email" }));
const stranger = new Novu({ serverURL, secretKey: "wrong", retryConfig: { strategy: "none" } });
await expectError("wrong key", 401, ErrorDto, () => stranger.integrations.list());

// Routes without an SDK method, called raw with the SDK's own auth header.
const status = await fetch(`${serverURL}/v1/integrations/webhook/provider/${created.id}/status`, {
  headers: { Authorization: `ApiKey ${secretKey}` },
});
assert.equal(status.status, 404); // deleted above: Novu's 404 for a missing integration
assert.equal((await status.json()).message, `Integration for ${created.id} was not found`);
record.exercised.push("webhook provider status (raw)");

record.report();
