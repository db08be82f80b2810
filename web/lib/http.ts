/** fetch with JSON in and out; a non-2xx answer throws ApiError carrying the API's message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body: unknown,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export interface Call {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  /** A plain value is sent as JSON; a Blob (a picked file) as it is. */
  readonly body?: unknown;
}

export async function call<T = unknown>(url: string, options: Call = {}): Promise<{ status: number; data: T }> {
  const headers: Record<string, string> = { ...options.headers };
  let body: BodyInit | undefined;
  if (options.body instanceof Blob) body = options.body;
  else if (options.body !== undefined) {
    headers["Content-Type"] ??= "application/json";
    body = JSON.stringify(options.body);
  }
  const res = await fetch(url, { method: options.method ?? "GET", headers, body });
  const text = await res.text();
  let data: unknown = text;
  try {
    data = text === "" ? undefined : JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  if (!res.ok) {
    const message = typeof data === "object" && data !== null && "message" in data ? String((data as { message: unknown }).message) : text.slice(0, 200);
    throw new ApiError(res.status, message, data);
  }
  return { status: res.status, data: data as T };
}
