/**
 * @module jsforce sends loopback requests through `HTTP(S)_PROXY` (it ignores `NO_PROXY`) and reads the
 * variables once, when its transport module loads (org-mode.md §1.4). The stand-in clears them and
 * jsforce's request defaults, so tests reach 127.0.0.1 directly whatever the import order.
 */
import { setDefaults } from "jsforce/lib/request";

/** Removes the proxy variables from this process and jsforce's cached proxy setting. */
export function bypassProxies(): void {
  for (const name of ["https_proxy", "http_proxy", "HTTPS_PROXY", "HTTP_PROXY"]) delete process.env[name];
  setDefaults({
    followRedirect: true,
    ...(process.env["HTTP_TIMEOUT"] ? { timeout: parseInt(process.env["HTTP_TIMEOUT"], 10) } : {}),
  });
}
