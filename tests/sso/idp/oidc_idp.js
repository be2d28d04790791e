// A real OpenID Connect provider on loopback for the tests (oidc-provider, panva).
//
// Configured by the test through the OIDC_IDP_CONFIG environment variable (JSON):
//   {"clients": [{"client_id", "client_secret", "redirect_uris", "post_logout_redirect_uris"}],
//    "users": {"<account id>": {"password": "…", "claims": {"email": …, "given_name": …}}}}
// It listens on a free port of 127.0.0.1, then prints one line to stdout:
//   ready {"issuer": "http://127.0.0.1:<port>"}
//
// People sign in on a small form (labelled Email and Password, a real password
// check, so a second sign-in after logout visibly asks again); consent is given
// at once. POST /__test__/mode {"mode": "normal" | "tamper" | "expired"} makes the
// token endpoint hand out a bad ID token from then on:
//   tamper  — the payload altered after signing, so its signature fails;
//   expired — signed with the provider's own key, but issued and expired an hour ago.

import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';

import express from 'express';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';

const config = JSON.parse(process.env.OIDC_IDP_CONFIG || '{}');
const users = config.users || {};
const MODES = new Set(['normal', 'tamper', 'expired']);
let mode = 'normal';

const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title, body) {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title></head>
<body><main><h1>${escape(title)}</h1>${body}</main></body></html>`;
}

function loginForm(uid, { email = '', error = '' } = {}) {
  const alert = error ? `<p role="alert">${escape(error)}</p>` : '';
  return page('Sign in to Test IdP', `${alert}
<form method="post" action="/interaction/${escape(uid)}/login">
  <label for="email">Email</label>
  <input id="email" name="email" type="email" value="${escape(email)}" autocomplete="username" required>
  <label for="password">Password</label>
  <input id="password" name="password" type="password" autocomplete="current-password" required>
  <button type="submit">Sign in</button>
</form>`);
}

function accountByEmail(email) {
  const wanted = String(email || '').trim().toLowerCase();
  return Object.keys(users).find((id) => String(users[id].claims?.email || '').toLowerCase() === wanted);
}

function decodePart(part) {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
}

function encodePart(object) {
  return Buffer.from(JSON.stringify(object)).toString('base64url');
}

function tampered(idToken) {
  const [header, payload, signature] = idToken.split('.');
  const claims = decodePart(payload);
  // What an attacker would change: who the token is about.
  claims.email = 'intruder@evil.example';
  claims.sub = 'intruder';
  return [header, encodePart(claims), signature].join('.');
}

async function expired(idToken, privateKey, kid) {
  const [, payload] = idToken.split('.');
  const claims = decodePart(payload);
  const now = Math.floor(Date.now() / 1000);
  // Far beyond any clock leeway a relying party allows.
  Object.assign(claims, { iat: now - 7200, auth_time: now - 7200, exp: now - 3600 });
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' }).sign(privateKey);
}

async function main() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${server.address().port}`;

  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = 'test-idp-key';
  const jwk = { ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' };

  const provider = new Provider(issuer, {
    clients: (config.clients || []).map((client) => ({
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_post',
      ...client,
    })),
    jwks: { keys: [jwk] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    scopes: ['openid', 'email', 'profile'],
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'given_name', 'family_name'],
    },
    async findAccount(ctx, id) {
      if (!users[id]) return undefined;
      return { accountId: id, claims: async () => ({ sub: id, ...users[id].claims }) };
    },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    pkce: { required: () => false },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        async logoutSource(ctx, form) {
          ctx.body = page('Sign out of Test IdP', `${form}
<button type="submit" form="op.logoutForm" name="logout" value="yes">Yes, sign me out</button>
<button type="submit" form="op.logoutForm">No, stay signed in</button>`);
        },
      },
    },
  });

  provider.use(async (ctx, next) => {
    await next();
    if (mode === 'normal' || ctx.path !== '/token' || ctx.status !== 200 || !ctx.body?.id_token) return;
    const idToken = mode === 'tamper' ? tampered(ctx.body.id_token) : await expired(ctx.body.id_token, privateKey, kid);
    ctx.body = { ...ctx.body, id_token: idToken };
  });

  const app = express();
  const form = express.urlencoded({ extended: false });

  app.post('/__test__/mode', express.json(), (req, res) => {
    if (!MODES.has(req.body?.mode)) return res.status(400).json({ error: `mode is one of ${[...MODES]}` });
    mode = req.body.mode;
    return res.json({ mode });
  });

  app.get('/interaction/:uid', async (req, res, next) => {
    try {
      const details = await provider.interactionDetails(req, res);
      if (details.prompt.name === 'login') {
        // The address the person already typed at Kindred, as Okta or Entra ID fill it in.
        return res.type('html').send(loginForm(details.uid, { email: details.params.login_hint || '' }));
      }
      // Consent: granted at once, as an organisation's IdP does for its own apps.
      const grant = details.grantId
        ? await provider.Grant.find(details.grantId)
        : new provider.Grant({ accountId: details.session.accountId, clientId: details.params.client_id });
      const missing = details.prompt.details.missingOIDCScope;
      if (missing) grant.addOIDCScope(missing.join(' '));
      const missingClaims = details.prompt.details.missingOIDCClaims;
      if (missingClaims) grant.addOIDCClaims(missingClaims);
      const grantId = await grant.save();
      return await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
    } catch (error) {
      return next(error);
    }
  });

  app.post('/interaction/:uid/login', form, async (req, res, next) => {
    try {
      const details = await provider.interactionDetails(req, res);
      const accountId = accountByEmail(req.body.email);
      if (!accountId || users[accountId].password !== req.body.password) {
        return res.status(200).type('html').send(loginForm(details.uid, { email: req.body.email, error: 'Wrong email or password.' }));
      }
      return await provider.interactionFinished(req, res, { login: { accountId } }, { mergeWithLastSubmission: false });
    } catch (error) {
      return next(error);
    }
  });

  app.use(provider.callback());
  server.on('request', app);
  process.stdout.write(`ready ${JSON.stringify({ issuer })}\n`);
}

main().catch((error) => {
  process.stderr.write(`${error.stack || error}\n`);
  process.exit(1);
});
