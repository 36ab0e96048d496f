/**
 * @module A resource's output fields, each named once with its kinds, so that the lists a resource needs
 * (the names its class passes as props, the secret outputs, the views its class computes, the outputs
 * stored as null when absent) are derived from one table and cannot drift apart.
 */

/**
 * What a field is: `stored` (the provider stores it), `secret` (stored as a Pulumi secret), `optional`
 * (stored as null when absent, see absent-outputs), `view` (computed from the stored fields in the
 * program). A field may be several (a secret is stored; a stored field may also be read through a view).
 */
export type FieldKind = "stored" | "secret" | "optional" | "view";

/** A resource's field table: each field with its kind, or its kinds. */
export type FieldTable = Readonly<Record<string, FieldKind | readonly FieldKind[]>>;

/** The kinds of one field of a table. */
type KindsOf<F> = F extends readonly (infer K)[] ? K : F;

/** The names of the fields of `T` that are of kind `K`. */
export type FieldsOfKind<T extends FieldTable, K extends FieldKind> = {
  [F in keyof T]: K extends KindsOf<T[F]> ? F : never;
}[keyof T] &
  string;

/** The names of `table`'s fields of kind `kind`, in the table's order. */
export function fieldsOfKind<T extends FieldTable, K extends FieldKind>(
  table: T,
  kind: K,
): readonly FieldsOfKind<T, K>[] {
  return Object.keys(table).filter((name) => {
    const kinds = table[name]!;
    return typeof kinds === "string" ? kinds === kind : kinds.includes(kind);
  }) as FieldsOfKind<T, K>[];
}
