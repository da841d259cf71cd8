import { Type, type TSchema } from 'typebox';

/** The shape of every error answer. */
export const ErrorResponse = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'Stable error code from the catalogue' }),
      message: Type.String(),
      details: Type.Optional(Type.Array(Type.Any())),
    }),
  },
  { $id: 'ErrorResponse', title: 'Error' },
);

/** Error answers a route may give, for the OpenAPI document. */
export function errorResponses(...statuses: number[]): Record<number, TSchema> {
  const result: Record<number, TSchema> = {};
  for (const status of [400, 401, ...statuses]) result[status] = Type.Ref('ErrorResponse');
  return result;
}

/** `?page=&pageSize=` for list routes. */
export const PageQuery = {
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000, default: 1 })),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 20 })),
};

/** A page of items with the total count. */
export function Page<T extends TSchema>(item: T) {
  return Type.Object({
    items: Type.Array(item),
    total: Type.Integer(),
    page: Type.Integer(),
    pageSize: Type.Integer(),
  });
}

/** A string that must be one of `values` (one clear enum error instead of a union's noise). */
export function StringEnum<const V extends readonly string[]>(values: V, options: object = {}) {
  return Type.Unsafe<V[number]>({ type: 'string', enum: [...values], ...options });
}

/** `T` or null. */
export function Nullable<T extends TSchema>(schema: T) {
  return Type.Union([schema, Type.Null()]);
}

/** `{id}` path parameter. */
export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

/** The security requirement of every /api/v1 route. */
export const bearer = [{ bearerAuth: [] }];
