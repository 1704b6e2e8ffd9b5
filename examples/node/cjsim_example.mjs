// A CJ client in plain Node 20 (global fetch, no npm packages) driving a cjsim simulator:
// create an account and log in, call the CJ API at the simulator's base URL, move the
// simulated clock instead of sleeping, then read the compliance audit.
//
//   cjsim serve --clock frozen --port 8080        # in another terminal
//   node examples/node/cjsim_example.mjs           # CJSIM_URL=http://127.0.0.1:8080 by default
//   node examples/node/cjsim_example.mjs --burst   # no pacing: the audit reports R4, exit 1
//
// Exit status: 0 when the audit is clean, 1 when it has findings, 2 on any other failure.

const ROOT = (process.env.CJSIM_URL ?? "http://127.0.0.1:8080").replace(/\/+$/, "");
const CJ = `${ROOT}/api2.0/v1`; // what a real client calls https://developers.cjdropshipping.com/api2.0/v1
const CONTROL = `${ROOT}/__cjsim`; // the simulator's control API (loopback only by default)
const BURST = process.argv.includes("--burst");

async function control(method, path, body) {
  const response = await fetch(`${CONTROL}${path}`, {
    method,
    headers: { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await response.json();
  if (!response.ok) throw new Error(`control ${method} ${path}: ${response.status} ${data.error}`);
  return data;
}

// One CJ call: every answer is CJ's envelope {code, result, message, data, requestId, success}.
async function cj(method, path, { token, query, body } = {}) {
  const url = new URL(`${CJ}/${path}`);
  for (const [key, value] of Object.entries(query ?? {})) url.searchParams.append(key, String(value));
  const headers = { "Content-Type": "application/json" };
  if (token) headers["CJ-Access-Token"] = token;
  const response = await fetch(url, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return response.json();
}

// A paced client waits 1/QPS seconds between calls; against a frozen simulator it moves the
// simulated clock instead, so the run takes milliseconds and stays within the limits.
async function pace(qps) {
  if (!BURST) await control("POST", "/clock", { advance: 1 / qps });
}

async function main() {
  const health = await control("GET", "/health");
  console.log(`simulator: ${health.status}`);
  const openapi = await control("GET", "/openapi.json");
  console.log(`interfaces: ${Object.keys(openapi.paths).length}`);

  const email = process.env.CJSIM_EMAIL ?? "node-example@cjsim.local";
  const known = (await control("GET", "/accounts")).accounts.find((a) => a.email === email);
  const account = known ?? (await control("POST", "/accounts", { email, level: "plus" }));
  const before = (await control("GET", "/journal?limit=1")).entries.at(-1)?.id ?? 0;

  const login = await cj("POST", "authentication/getAccessToken", { body: { apiKey: account.apiKey } });
  if (login.code !== 200) throw new Error(`login: ${login.code} ${login.message}`);
  const token = login.data.accessToken;
  const settings = await cj("GET", "setting/get", { token });
  const qps = settings.data.setting.qpsLimit;
  console.log(`logged in as ${settings.data.openEmail}, ${qps} request(s)/second`);

  await pace(qps);
  const page = await cj("GET", "product/list", { token, query: { pageSize: 3 } });
  if (page.code !== 200) throw new Error(`product/list: ${page.code} ${page.message}`);
  for (const item of page.data.list) {
    await pace(qps);
    const product = await cj("GET", "product/query", { token, query: { pid: item.pid } });
    const answer = product.code === 200
      ? `${product.data.productSku} ${product.data.productNameEn} (${product.data.variants.length} variants)`
      : `${product.code} ${product.message}`;
    console.log(`product: ${answer}`);
  }

  const audit = await control("GET", `/audit?since=${before}`);
  console.log(`audit: ${audit.clean ? "clean" : JSON.stringify(audit.summary)}`);
  for (const finding of audit.findings) console.log(`  ${finding.rule}: ${finding.explanation}`);
  return audit.clean ? 0 : 1;
}

main().then(
  (status) => process.exit(status),
  (error) => {
    console.error(`cjsim_example: ${error.message}`);
    process.exit(2);
  },
);
