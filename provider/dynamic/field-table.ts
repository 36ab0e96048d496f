/**
 * @module A resource's output fields, each named once with its kinds, so that the lists a resource needs
 * (the names its class passes as props, the secret outputs, the views its class computes, the outputs
 * stored as null when absent) are derived from one table and cannot drift apart.
 */

/**
 * What a field is:
 * - `input`: a setting the user gives, stored as checked;
 * - `stored`: the provider stores it;
 * - `secret`: a Pulumi secret (stored as one, or computed from secrets);
 * - `optional`: stored as null when absent (see absent-outputs);
 * - `ifGiven`: a setting with no default, absent from the state when not given;
 * - `transient`: handed to the provider as an input, read by it and not stored;
 * - `view`: computed from the stored fields, in the program (and by the provider when it reads its state);
 * - `internal`: not an output of the class (the provider's state only);
 * - `keySource`: read by the class's views of a private key, which it takes before those views replace
 *   stored outputs of the same name (a key stored as its PEM by earlier shapes).
 * A field may be several (a secret is stored; a stored field may also be read through a view).
 */
export type FieldKind =
  | "input"
  | "stored"
  | "secret"
  | "optional"
  | "ifGiven"
  | "transient"
  | "view"
  | "internal"
  | "keySource";

/** A resource's field table: each field with its kind, or its kinds. */
export type FieldTable = Readonly<Record<string, FieldKind | readonly FieldKind[]>>;

/** The kinds of one field of a table. */
type KindsOf<F> = F extends readonly (infer K)[] ? K : F;

/** The names of the fields of `T` that are of kind `K`. */
export type FieldsOfKind<T extends FieldTable, K extends FieldKind> = {
  [F in keyof T]: K extends KindsOf<T[F]> ? F : never;
}[keyof T] &
  string;

/** The names of `table`'s fields of kind `kind` (and of none of `except`), in the table's order. */
export function fieldsOfKind<T extends FieldTable, K extends FieldKind, X extends FieldKind = never>(
  table: T,
  kind: K,
  ...except: X[]
): readonly Exclude<FieldsOfKind<T, K>, FieldsOfKind<T, X>>[] {
  const has = (name: string, wanted: FieldKind) => {
    const kinds = table[name]!;
    return typeof kinds === "string" ? kinds === wanted : kinds.includes(wanted);
  };
  return Object.keys(table).filter((name) => has(name, kind) && !except.some((x) => has(name, x))) as Exclude<
    FieldsOfKind<T, K>,
    FieldsOfKind<T, X>
  >[];
}
