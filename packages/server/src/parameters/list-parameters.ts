import type { Principal } from '../access/principal.js';
import type { AppContext } from '../context.js';
import { errors } from '../errors.js';
import type { ParameterKind, ParameterView } from './model.js';
import { toView } from './parameter-view.js';
import { listParameterRows } from './store.js';

/** The list's query after schema defaults. */
export interface ListParametersQuery {
  search?: string;
  kind?: ParameterKind;
  page?: number;
  pageSize?: number;
}

/** A page of the workspace's parameters, newest first, filtered by name (ignoring case) and kind. */
export async function listParameters(
  ctx: AppContext,
  principal: Principal,
  query: ListParametersQuery,
): Promise<{ items: ParameterView[]; total: number; page: number; pageSize: number }> {
  const page = query.page ?? 1;
  const pageSize = query.pageSize ?? 20;
  const search = query.search?.trim();
  if (search?.includes('\u0000')) throw errors.validation([{ path: 'query.search', message: 'must not contain the NUL character' }]);
  const { items, total } = await listParameterRows(ctx.store, principal.workspaceId, {
    ...(search ? { search } : {}),
    ...(query.kind ? { kind: query.kind } : {}),
    page,
    pageSize,
  });
  return { items: items.map((p) => toView(p)), total, page, pageSize };
}
