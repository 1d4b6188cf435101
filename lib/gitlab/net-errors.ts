/**
 * One line for a connection that failed before GitLab could answer: the cause
 * in words and the fix, never Node's "fetch failed" nor an OpenSSL dump. Node's
 * fetch (undici) puts the real error in `err.cause` with a `code`.
 */
export interface NetworkFailure {
  /** `cause; fix`, one line. */
  readonly message: string;
  /** Trying again cannot help (DNS name unknown, TLS refused, wrong scheme). */
  readonly permanent: boolean;
}

interface Cause {
  code?: string;
  message?: string;
  cert?: { subjectaltname?: string; subject?: { CN?: string } };
}

const UNTRUSTED = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_UNTRUSTED',
]);

/** The first line of a message, without OpenSSL's `80FC...:error:0A00010B:SSL routines:...` trail, cut short. */
function plainWords(message: string | undefined): string {
  const first = (message ?? '').split('\n')[0];
  const noSsl = first.replace(/[0-9A-F]{6,}:error:[0-9A-F]{8}:.*$/i, '').trim();
  return noSsl.length > 120 ? `${noSsl.slice(0, 120)}...` : noSsl;
}

function causeOf(err: unknown): Cause {
  const e = err as { cause?: Cause; code?: string; message?: string };
  if (e?.cause && typeof e.cause === 'object') return e.cause;
  return { code: e?.code, message: e?.message };
}

/** Words for a failed connection to `url`. */
export function describeNetworkFailure(err: unknown, url: URL): NetworkFailure {
  const c = causeOf(err);
  const code = c.code ?? '';
  const host = url.host;
  const name = url.hostname;
  const msg = c.message ?? '';
  const fail = (message: string, permanent: boolean): NetworkFailure => ({ message, permanent });

  if (code === 'ECONNREFUSED') {
    return fail(`connection refused by ${host}: nothing listens on that port; check the port in the GitLab URL and that GitLab is up`, false);
  }
  if (code === 'ENOTFOUND') {
    return fail(`DNS cannot resolve ${name}; check the host name in the GitLab URL (and this machine's DNS or proxy settings)`, true);
  }
  if (code === 'EAI_AGAIN') {
    return fail(`DNS lookup of ${name} failed for now (EAI_AGAIN); check this machine's DNS settings and try again`, false);
  }
  if (code === 'ETIMEDOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') {
    return fail(`no connection to ${host} (connect timeout); check the GitLab URL, and a firewall or proxy in between`, false);
  }
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') {
    return fail(`${host} cannot be reached from here (no route); check the GitLab URL, VPN or proxy`, false);
  }
  if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || code === 'ERR_SSL_PACKET_LENGTH_TOO_LONG' || code === 'ERR_SSL_HTTP_REQUEST' ||
      (/wrong version number|packet length too long|http request/i.test(msg) && /ssl/i.test(code + msg))) {
    return fail(`${url.protocol}// to ${host}, which speaks plain HTTP, not TLS; use http://${host} or the port GitLab serves HTTPS on`, true);
  }
  if (UNTRUSTED.has(code)) {
    return fail(
      `the TLS certificate of ${host} is not trusted (${code}: self-signed or from a private CA); ` +
        'give Node the CA certificate with NODE_EXTRA_CA_CERTS=/path/to/ca.pem', true,
    );
  }
  if (code === 'CERT_HAS_EXPIRED') {
    return fail(`the TLS certificate of ${host} has expired; GitLab's administrators must renew it (check this machine's clock too)`, true);
  }
  if (code === 'CERT_NOT_YET_VALID') {
    return fail(`the TLS certificate of ${host} is not valid yet; check this machine's clock`, true);
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    const names = c.cert?.subjectaltname ?? c.cert?.subject?.CN;
    const forNames = names ? ` (it names ${plainWords(names).slice(0, 100)})` : '';
    return fail(`the TLS certificate of ${host} is for another host name${forNames}; use the host name the certificate names in the GitLab URL`, true);
  }
  if (code === 'CERT_REVOKED') {
    return fail(`the TLS certificate of ${host} was revoked; GitLab's administrators must replace it`, true);
  }
  if (/^(ERR_SSL_|ERR_TLS_|EPROTO$)/.test(code) || /^(CERT_|UNABLE_TO_)/.test(code)) {
    return fail(`the TLS handshake with ${host} failed (${code}); check the GitLab URL and the server's TLS setup`, true);
  }
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE') {
    const hint = url.protocol === 'http:' ? `; if ${host} speaks HTTPS, use https://${host}` : ' (a proxy or load balancer in between?)';
    return fail(`${host} closed the connection without an answer${hint}`, false);
  }
  if (/bad port/i.test(msg)) {
    return fail(`Node's fetch does not connect to port ${url.port} (a port browsers block); use the port GitLab serves on`, true);
  }
  const words = plainWords(msg);
  return fail(`connection to ${host} failed (${[code, words].filter(Boolean).join(': ') || 'no reason given'})`, false);
}
