// A SAML 2.0 identity provider on loopback for Kindred's tests (samlify + express).
//
// Configured through the SAML_IDP_CONFIG environment variable (JSON):
//   {"privateKey": "<PEM>", "cert": "<PEM>",
//    "users": [{"email", "password", "firstName", "lastName", "uid"}]}
// It listens on a free port of 127.0.0.1, then prints one line to stdout:
//   ready {"base_url": "http://127.0.0.1:<port>"}
//
// GET  /metadata           the IdP's metadata: SSO and SLO over HTTP-Redirect, signing cert
// GET  /sso                receives an AuthnRequest (HTTP-Redirect) and shows a sign-in form
// POST /sso                checks email and password, then shows a page whose "Continue"
//                          button POSTs the signed SAMLResponse and RelayState to the ACS
// GET  /slo                receives a LogoutRequest (HTTP-Redirect), answers with a LogoutResponse
// The test drives it over /_test/: PUT mode, POST sp (an SP's metadata XML), POST users,
// GET logouts (the NameIDs whose logout it was asked for).
//
// Modes: "normal"; "expired" (validly signed, but the assertion and its subject
// confirmation ran out an hour ago, far past python3-saml's clock drift); "unsigned"
// (no signature at all).
'use strict';

const crypto = require('node:crypto');
const express = require('express');
const saml = require('samlify');

// samlify refuses to parse without a schema validator. This IdP only ever reads
// the AuthnRequests and LogoutRequests of the Kindred under test, so it accepts
// them unvalidated; Kindred's side (python3-saml) validates what this IdP sends.
saml.setSchemaValidator({ validate: () => Promise.resolve('skipped for the test IdP') });

const REDIRECT = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect';
const EMAIL_FORMAT = 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress';
const URI_FORMAT = 'urn:oasis:names:tc:SAML:2.0:attrname-format:uri';
// The attribute names allauth's SAML provider maps by default (provider.py).
const ATTRIBUTES = {
  uid: 'urn:oasis:names:tc:SAML:attribute:subject-id',
  email: 'urn:oid:0.9.2342.19200300.100.1.3',
  firstName: 'urn:oid:2.5.4.42',
  lastName: 'urn:oid:2.5.4.4',
};
const MODES = new Set(['normal', 'expired', 'unsigned']);

const config = JSON.parse(process.env.SAML_IDP_CONFIG || '{}');
const state = {
  mode: 'normal',
  users: new Map((config.users || []).map((u) => [u.email.toLowerCase(), u])),
  sps: new Map(), // entity ID → samlify ServiceProvider
  pending: new Map(), // one id per AuthnRequest shown as a sign-in form
  logouts: [],
};
let idp; // built once the port, and so the IdP's URLs, are known

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title, body) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
<body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;
}

function buildIdp(base) {
  return saml.IdentityProvider({
    entityID: `${base}/metadata`,
    privateKey: config.privateKey,
    signingCert: config.cert,
    nameIDFormat: [EMAIL_FORMAT],
    singleSignOnService: [{ Binding: REDIRECT, Location: `${base}/sso` }],
    singleLogoutService: [{ Binding: REDIRECT, Location: `${base}/slo` }],
  });
}

function attribute(name, tag) {
  return `<saml:Attribute Name="${name}" NameFormat="${URI_FORMAT}"><saml:AttributeValue xsi:type="xs:string">{${tag}}</saml:AttributeValue></saml:Attribute>`;
}

// samlify's default response, with an AuthnStatement (a SessionIndex for logout)
// and the user's attributes; every {Tag} is XML-escaped by replaceTagsByValue.
const RESPONSE = saml.SamlLib.defaultLoginResponseTemplate.context.replace(
  '{AuthnStatement}{AttributeStatement}',
  '<saml:AuthnStatement AuthnInstant="{IssueInstant}" SessionIndex="{SessionIndex}"><saml:AuthnContext>' +
    '<saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef>' +
    '</saml:AuthnContext></saml:AuthnStatement><saml:AttributeStatement>' +
    attribute(ATTRIBUTES.uid, 'Uid') +
    attribute(ATTRIBUTES.email, 'Email') +
    attribute(ATTRIBUTES.firstName, 'FirstName') +
    attribute(ATTRIBUTES.lastName, 'LastName') +
    '</saml:AttributeStatement>',
);

function responseXml(sp, requestId, user) {
  const now = new Date();
  const offset = state.mode === 'expired' ? -60 * 60 * 1000 : 0;
  const start = new Date(now.getTime() + offset - 5 * 60 * 1000);
  const end = new Date(now.getTime() + offset + 5 * 60 * 1000);
  const acs = sp.entityMeta.getAssertionConsumerService('post');
  return saml.SamlLib.replaceTagsByValue(RESPONSE, {
    ID: `_${crypto.randomUUID()}`,
    AssertionID: `_${crypto.randomUUID()}`,
    SessionIndex: `_${crypto.randomUUID()}`,
    Destination: acs,
    SubjectRecipient: acs,
    Audience: sp.entityMeta.getEntityID(),
    Issuer: idp.entityMeta.getEntityID(),
    IssueInstant: (state.mode === 'expired' ? start : now).toISOString(),
    StatusCode: saml.Constants.StatusCode.Success,
    ConditionsNotBefore: start.toISOString(),
    ConditionsNotOnOrAfter: end.toISOString(),
    SubjectConfirmationDataNotOnOrAfter: end.toISOString(),
    NameIDFormat: EMAIL_FORMAT,
    NameID: user.email,
    InResponseTo: requestId,
    Uid: user.uid,
    Email: user.email,
    FirstName: user.firstName,
    LastName: user.lastName,
  });
}

async function samlResponse(sp, requestInfo, user) {
  const xml = responseXml(sp, requestInfo.extract.request.id, user);
  if (state.mode === 'unsigned') {
    return Buffer.from(xml).toString('base64');
  }
  // samlify signs the assertion (the SP's metadata says WantAssertionsSigned), or
  // the whole response if it does not.
  const { context } = await idp.createLoginResponse(sp, requestInfo, 'post', user, {
    customTagReplacement: () => ({ id: '', context: xml }),
  });
  return context;
}

function signInForm(pendingId, error = '') {
  const alert = error ? `<p role="alert">${escapeHtml(error)}</p>` : '';
  return page(
    'Sign in to the test IdP',
    `${alert}<form method="post" action="/sso">
<input type="hidden" name="pending" value="${escapeHtml(pendingId)}">
<p><label for="email">Email</label> <input id="email" name="email" type="email" autocomplete="username" required></p>
<p><label for="password">Password</label> <input id="password" name="password" type="password" autocomplete="current-password" required></p>
<p><button type="submit">Sign in</button></p></form>`,
  );
}

const app = express();
app.disable('x-powered-by');
app.use('/_test', express.json(), express.text({ type: ['application/xml', 'text/xml'] }));

app.get('/metadata', (req, res) => {
  res.type('application/samlmetadata+xml').send(idp.getMetadata());
});

// The registered SP that issued a request (an AuthnRequest or a LogoutRequest).
function spFor(xml, root) {
  const { issuer } = saml.Extractor.extract(xml, [
    { key: 'issuer', localPath: [root, 'Issuer'], attributes: [] },
  ]);
  return state.sps.get(issuer);
}

function inflated(parameter) {
  return saml.Utility.inflateString(parameter);
}

app.get('/sso', async (req, res) => {
  if (typeof req.query.SAMLRequest !== 'string') {
    return res.status(400).send(page('No sign-in request', '<p>Start from the service provider.</p>'));
  }
  let sp;
  let requestInfo;
  try {
    sp = spFor(inflated(req.query.SAMLRequest), 'AuthnRequest');
    if (!sp) {
      return res.status(400).send(page('Unknown service provider', '<p>Register its metadata first.</p>'));
    }
    requestInfo = await idp.parseLoginRequest(sp, 'redirect', { query: req.query });
  } catch (error) {
    return res.status(400).send(page('Bad sign-in request', `<p>${escapeHtml(error.message)}</p>`));
  }
  const pendingId = crypto.randomUUID();
  state.pending.set(pendingId, { sp, requestInfo, relayState: req.query.RelayState || '' });
  res.send(signInForm(pendingId));
});

app.post('/sso', express.urlencoded({ extended: false }), async (req, res) => {
  const pending = state.pending.get(req.body.pending);
  if (!pending) {
    return res.status(400).send(page('Sign-in expired', '<p>Start again from the service provider.</p>'));
  }
  const user = state.users.get(String(req.body.email || '').toLowerCase());
  if (!user || user.password !== req.body.password) {
    return res.status(401).send(signInForm(req.body.pending, 'Wrong email or password.'));
  }
  state.pending.delete(req.body.pending);
  const response = await samlResponse(pending.sp, pending.requestInfo, user);
  const acs = pending.sp.entityMeta.getAssertionConsumerService('post');
  // A visible button rather than samlify's auto-submitting page: the browser test
  // decides when the assertion leaves, so it can intercept that POST.
  res.send(
    page(
      `Signed in as ${user.email}`,
      `<form method="post" action="${escapeHtml(acs)}">
<input type="hidden" name="SAMLResponse" value="${escapeHtml(response)}">
<input type="hidden" name="RelayState" value="${escapeHtml(pending.relayState)}">
<p><button type="submit">Continue</button></p></form>`,
    ),
  );
});

app.get('/slo', async (req, res) => {
  if (typeof req.query.SAMLRequest !== 'string') {
    return res.status(400).send(page('No logout request', ''));
  }
  try {
    const sp = spFor(inflated(req.query.SAMLRequest), 'LogoutRequest');
    if (!sp) {
      return res.status(400).send(page('Unknown service provider', ''));
    }
    const requestInfo = await idp.parseLogoutRequest(sp, 'redirect', { query: req.query });
    state.logouts.push(requestInfo.extract.nameID);
    const { context } = idp.createLogoutResponse(sp, requestInfo, 'redirect', {
      relayState: req.query.RelayState || '',
    });
    res.redirect(context);
  } catch (error) {
    res.status(400).send(page('Bad logout request', `<p>${escapeHtml(error.message)}</p>`));
  }
});

app.put('/_test/mode', (req, res) => {
  if (!MODES.has(req.body.mode)) {
    return res.status(400).json({ error: `mode is one of ${[...MODES].join(', ')}` });
  }
  state.mode = req.body.mode;
  res.json({ mode: state.mode });
});

app.post('/_test/sp', (req, res) => {
  const sp = saml.ServiceProvider({ metadata: req.body });
  state.sps.set(sp.entityMeta.getEntityID(), sp);
  res.json({ entityId: sp.entityMeta.getEntityID() });
});

app.post('/_test/users', (req, res) => {
  state.users.set(req.body.email.toLowerCase(), req.body);
  res.json({ users: state.users.size });
});

app.get('/_test/logouts', (req, res) => res.json(state.logouts));

const server = app.listen(0, '127.0.0.1', () => {
  const { address, port } = server.address();
  const base = `http://${address}:${port}`;
  idp = buildIdp(base);
  process.stdout.write(`ready ${JSON.stringify({ base_url: base })}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
