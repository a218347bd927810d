// What every SDK script does: run named steps, note the errors it meant to provoke, and print
// one JSON line for the Python test to read.
import assert from "node:assert/strict";

export function steps(sdk) {
  const exercised = [];
  const errors = [];
  return {
    exercised,
    errors,
    async step(name, run) {
      await run();
      exercised.push(name);
    },
    report() {
      console.log(JSON.stringify({ sdk, exercised, errors }));
    },
  };
}

// @novu/api raises typed errors: the class it parsed the body into, with Novu's fields.
export async function expectApiError(record, name, status, ErrorClass, run) {
  await assert.rejects(run, (error) => {
    assert.ok(error instanceof ErrorClass, `${name}: ${error?.constructor?.name} ${error}`);
    assert.equal(error.statusCode, status);
    assert.equal(typeof error.timestamp, "string");
    assert.equal(typeof error.path, "string");
    return true;
  });
  record.errors.push(`${name}: ${status} ${ErrorClass.name}`);
}
