// The HTTP API as the page uses it. The session is proved by the HttpOnly cookie set when
// it was created; every request that changes something also sends X-CSRF-Token, kept in
// memory only. Errors arrive as {"error": {"code", "message", "details"}}.

export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details || {};
  }
}

const NETWORK_MESSAGE = "The server could not be reached; check the connection and try again.";

function errorFrom(status, body) {
  const err = body && typeof body === "object" ? body.error : null;
  if (err && err.message) return new ApiError(status, err.code, err.message, err.details);
  return new ApiError(status, "http_error", `The server answered ${status}; try again.`);
}

async function readBody(response) {
  const type = response.headers.get("Content-Type") || "";
  if (type.includes("json")) {
    try {
      return await response.json();
    } catch {
      return null;
    }
  }
  return await response.text();
}

export class Api {
  constructor() {
    this.sessionId = null;
    this.csrf = null;
  }

  session(path = "") {
    return `/api/sessions/${this.sessionId}${path}`;
  }

  async request(method, url, { json, headers } = {}) {
    const init = { method, credentials: "same-origin", headers: { Accept: "application/json", ...headers } };
    if (method !== "GET" && this.csrf) init.headers["X-CSRF-Token"] = this.csrf;
    if (json !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(json);
    }
    let response;
    try {
      response = await fetch(url, init);
    } catch {
      throw new ApiError(0, "network", NETWORK_MESSAGE);
    }
    const body = await readBody(response);
    if (!response.ok) throw errorFrom(response.status, body);
    return { status: response.status, headers: response.headers, body };
  }

  async get(url) {
    return (await this.request("GET", url)).body;
  }

  async post(url, json) {
    return (await this.request("POST", url, { json: json === undefined ? {} : json })).body;
  }

  // multipart upload with progress (fetch cannot report upload progress)
  upload(url, form, onProgress) {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open("POST", url);
      xhr.setRequestHeader("Accept", "application/json");
      if (this.csrf) xhr.setRequestHeader("X-CSRF-Token", this.csrf);
      xhr.upload.addEventListener("progress", (e) => {
        if (e.lengthComputable && onProgress) onProgress(e.loaded / e.total);
      });
      xhr.addEventListener("load", () => {
        let body = null;
        try {
          body = JSON.parse(xhr.responseText);
        } catch {
          body = null;
        }
        if (xhr.status >= 200 && xhr.status < 300) resolve(body);
        else reject(errorFrom(xhr.status, body));
      });
      xhr.addEventListener("error", () => reject(new ApiError(0, "network", NETWORK_MESSAGE)));
      xhr.addEventListener("abort", () => reject(new ApiError(0, "aborted", "The upload was stopped.")));
      xhr.send(form);
    });
  }

  // POST a chat message and read the reply as server-sent events as it is written:
  // handlers.token({text}), tool({tool, params}), reset(), done(reply), error(err)
  async stream(url, json, handlers) {
    const init = {
      method: "POST",
      credentials: "same-origin",
      headers: { Accept: "text/event-stream", "Content-Type": "application/json" },
      body: JSON.stringify(json),
    };
    if (this.csrf) init.headers["X-CSRF-Token"] = this.csrf;
    let response;
    try {
      response = await fetch(url, init);
    } catch {
      throw new ApiError(0, "network", NETWORK_MESSAGE);
    }
    const type = response.headers.get("Content-Type") || "";
    if (!response.ok || !type.startsWith("text/event-stream")) {
      throw errorFrom(response.status, await readBody(response));
    }
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    let finished = false;
    const dispatch = (block) => {
      let event = "message";
      const data = [];
      for (const line of block.split("\n")) {
        if (line.startsWith("event:")) event = line.slice(6).trim();
        else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
      }
      if (!data.length) return;
      let payload;
      try {
        payload = JSON.parse(data.join("\n"));
      } catch {
        return;
      }
      if (event === "done" || event === "error") finished = true;
      const handler = handlers[event];
      if (handler) handler(payload);
    };
    for (;;) {
      let chunk;
      try {
        chunk = await reader.read();
      } catch {
        if (!finished) throw new ApiError(0, "network", "The reply was cut off; ask again.");
        return;
      }
      if (chunk.done) break;
      buffer += decoder.decode(chunk.value, { stream: true }).replace(/\r\n/g, "\n");
      let cut;
      while ((cut = buffer.indexOf("\n\n")) >= 0) {
        dispatch(buffer.slice(0, cut));
        buffer = buffer.slice(cut + 2);
      }
    }
    if (buffer.trim()) dispatch(buffer);
    if (!finished) throw new ApiError(0, "network", "The reply was cut off; ask again.");
  }
}
