/** A resource class hands the SDK each stored output as a prop (so that it becomes an output) and names its secrets. */
import test from "ava";
import { storedOutputProps, withSecretOutputs } from "../../../provider/dynamic/resource-props";

test("storedOutputProps gives each stored output as undefined, the inputs over them", (t) => {
  const props = storedOutputProps(["a", "b"], { b: 2, c: 3 });
  t.deepEqual(Object.entries(props), [
    ["a", undefined],
    ["b", 2],
    ["c", 3],
  ]);
});

test("withSecretOutputs adds to the secret outputs the caller named and keeps the other options", (t) => {
  t.deepEqual(withSecretOutputs(undefined, ["k"]), { additionalSecretOutputs: ["k"] });
  t.deepEqual(withSecretOutputs({ protect: true, additionalSecretOutputs: ["x"] }, ["k"]), {
    protect: true,
    additionalSecretOutputs: ["x", "k"],
  });
});
