/** The methods a function's HTTP trigger answers (contract HTTP_METHODS; the plugin imports contract types only). */
export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;
