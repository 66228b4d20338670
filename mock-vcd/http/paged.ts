/** cloudapi's paged list envelope. */
export function paged<T>(values: T[], query: { page?: unknown; pageSize?: unknown } = {}) {
  const pageSize = Math.min(128, Math.max(1, Number(query.pageSize) || 25));
  const page = Math.max(1, Number(query.page) || 1);
  return {
    resultTotal: values.length,
    pageCount: Math.max(1, Math.ceil(values.length / pageSize)),
    page,
    pageSize,
    associations: null,
    values: values.slice((page - 1) * pageSize, page * pageSize),
  };
}
