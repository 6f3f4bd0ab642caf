#!/usr/bin/env node
// Generates corpus.jsonl: labelled positives (synthetic but realistic secrets and PII, in
// sentences, code and config) and hard negatives. Deterministic (seeded). Run: node gen-corpus.mjs
import { writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

let seed = 42
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648)
const pick = (a) => a[Math.floor(rnd() * a.length)]
const chars = (set, n) => Array.from({ length: n }, () => set[Math.floor(rnd() * set.length)]).join('')
const UP = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', LO = 'abcdefghijklmnopqrstuvwxyz', DI = '0123456789'
const AN = UP + LO + DI, B64 = AN + '+/', HEX = '0123456789abcdef'
const mixed = (n, set = AN) => { let s; do s = chars(set, n); while (!/[A-Z]/.test(s) || !/[a-z]/.test(s) || (s.match(/\d/g) ?? []).length < 2); return s }
const luhnDigit = (p) => { let sum = 0; for (let i = 0; i < p.length; i++) { let d = +p[p.length - 1 - i]; if (i % 2 === 0) { d *= 2; if (d > 9) d -= 9 } sum += d } return String((10 - (sum % 10)) % 10) }
const card = (prefix, len) => { const body = prefix + chars(DI, len - prefix.length - 1); return body + luhnDigit(body) }
const groups = (s, sep = ' ') => s.match(/.{1,4}/g).join(sep)
const iban = (cc, bban) => { const moved = bban + cc + '00'; let r = 0; for (const ch of moved) { const v = /[A-Z]/.test(ch) ? ch.charCodeAt(0) - 55 : +ch; r = v >= 10 ? (r * 100 + v) % 97 : (r * 10 + v) % 97 } return cc + String(98 - r).padStart(2, '0') + bban }
const b64url = (o) => Buffer.from(JSON.stringify(o)).toString('base64url')
const names = ['alice', 'bob.smith', 'j.doe', 'maria_garcia', 'wei.zhang', 'o.connor', 'priya+test']
const domains = ['example.com', 'acme.io', 'mail.co.uk', 'corp.example.org', 'gmail.com']
const ctxs = [(x) => `Please use ${x} for the deploy.`, (x) => `config:\n  value: ${x}\n`, (x) => `const key = "${x}";`, (x) => `export TOKEN=${x}`, (x) => `Here is the thing you asked for: ${x} — thanks!`]

const out = []
const add = (text, labels) => out.push({ text, labels })
const N = 40
for (let i = 0; i < N; i++) {
  const c = pick(ctxs)
  add(c(`AKIA${chars(UP + DI, 16)}`), ['aws_access_key'])
  add(`aws_secret_access_key = ${chars(B64, 40)}`.replace(/^/, pick(['', '[default]\n', 'export '])), ['aws_secret_key'])
  add(`{"type": "service_account", "project_id": "p-${i}", "private_key_id": "${chars(HEX, 40)}", "private_key": "-----BEGIN PRIVATE KEY-----\\n${chars(B64, 64)}\\n${chars(B64, 64)}\\n-----END PRIVATE KEY-----\\n", "client_email": "svc${i}@p-${i}.iam.gserviceaccount.com"}`, ['gcp_service_account', 'email'])
  add(`DefaultEndpointsProtocol=https;AccountName=store${i};AccountKey=${chars(B64, 86)}==;EndpointSuffix=core.windows.net`, ['azure_connection_string'])
  add(c(`sk-${pick(['', 'proj-'])}${mixed(48, AN + '_-')}`), ['openai_key'])
  add(c(`sk-ant-api03-${mixed(93, AN + '_-')}AA`), ['anthropic_key'])
  add(c(`${pick(['ghp_', 'gho_', 'ghs_'])}${mixed(36)}`), ['github_token'])
  add(c(`github_pat_${mixed(22)}_${mixed(59)}`), ['github_token'])
  add(c(`glpat-${mixed(20, AN + '_-')}`), ['gitlab_token'])
  add(c(`xox${pick('abpr'.split(''))}-${chars(DI, 12)}-${chars(DI, 12)}-${mixed(24)}`), ['slack_token'])
  add(c(`${pick(['sk', 'rk'])}_live_${mixed(24)}`), ['stripe_key'])
  add(`Authorization: Bearer ${b64url({ alg: pick(['HS256', 'RS256']), typ: 'JWT' })}.${b64url({ sub: String(1000 + i), name: 'User', iat: 1700000000 + i })}.${chars(AN + '_-', 43)}`, ['jwt'])
  add(`-----BEGIN ${pick(['RSA ', 'EC ', 'OPENSSH ', ''])}PRIVATE KEY-----\n${chars(B64, 64)}\n${chars(B64, 40)}\n-----END ${'$1'}PRIVATE KEY-----`.replace(/END \$1/, (m, o, s) => 'END ' + (s.match(/BEGIN ((?:[A-Z]+ )?)/)[1])), ['private_key'])
  add(pick([`db_password="${mixed(12, AN + '!@#%')}"`, `{"username": "admin", "password": "${mixed(14)}"}`, `PASSWORD=${mixed(10)}!`, `password: '${mixed(12)}'`]), ['password'])
  add(pick([`token=${mixed(32)}`, `X-Api-Key: ${mixed(40)}`, `Use ${mixed(28, AN + '_')} as the api key`]), ['high_entropy'])
  add(`Contact ${pick(names)}${i}@${pick(domains)} for access.`, ['email'])
  add(pick([`Call me at +1 ${chars('23456789', 1)}${chars(DI, 2)} 555 ${chars(DI, 4)}`, `Tel: (${chars('23456789', 1)}${chars(DI, 2)}) ${chars('23456789', 1)}${chars(DI, 2)}-${chars(DI, 4)}`, `UK office: +44 20 7946 ${chars(DI, 4)}`, `Appelez le 01 ${chars(DI, 2)} ${chars(DI, 2)} ${chars(DI, 2)} ${chars(DI, 2)}`, `phone +4930${chars(DI, 8)}`]), ['phone'])
  add(`Charge card ${pick([groups(card('4', 16)), groups(card('5' + pick('12345'), 16), '-'), card('37', 15), card('6011', 16)])} exp 12/27`, ['credit_card'])
  add(`Wire to ${pick([iban('DE', chars(DI, 18)), groups(iban('GB', 'NWBK' + chars(DI, 14))), iban('FR', chars(DI, 23)), groups(iban('NL', 'ABNA' + chars(DI, 10)))])} today`, ['iban'])
  add(`SSN: ${String(100 + Math.floor(rnd() * 565)).padStart(3, '0')}-${String(10 + Math.floor(rnd() * 89))}-${String(1000 + Math.floor(rnd() * 8999))}`, ['ssn'])
  add(pick([`Server at ${10 + Math.floor(rnd() * 200)}.${Math.floor(rnd() * 255)}.${Math.floor(rnd() * 255)}.${1 + Math.floor(rnd() * 254)} is down`, `client ip=${Math.floor(rnd() * 223) + 1}.${Math.floor(rnd() * 255)}.0.${Math.floor(rnd() * 255)}`, `ssh to 2001:db8:${chars(HEX, 4)}::${chars(HEX, 3)}1`, `fe80::${chars(HEX, 4)}:${chars(HEX, 4)}:${chars(HEX, 3)}1 is the link-local`]), [pick(['ipv4', 'ipv4']) === 'ipv4' ? null : null].filter(Boolean))
  out[out.length - 1].labels = [out[out.length - 1].text.includes('::') ? 'ipv6' : 'ipv4']
}
// Hard negatives (no labels).
for (let i = 0; i < N; i++) {
  add(`request id ${crypto.randomUUID ? [chars(HEX, 8), chars(HEX, 4), '4' + chars(HEX, 3), 'a' + chars(HEX, 3), chars(HEX, 12)].join('-') : ''}`, [])
  add(`fixed in commit ${chars(HEX, 40)} (short ${chars(HEX, 7)})`, [])
  add(`sha256: ${chars(HEX, 64)}`, [])
  add(`test card 4111 1111 1111 ${String(1112 + (i % 7))} is invalid`.replace(/1111 (\d{4}) is/, (m, d) => (d === '1111' ? '1112 is' : m)), [])
  add(`Released v${i % 9}.${i % 13}.${i % 7} on 2024-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}, build 20240${i % 9}15.${i}`, [])
  add(pick([`const password = req.body.password;`, `if (!user.password) throw new Error('password required')`, `password: string`, `password=\${DB_PASSWORD}`, `"password": "********"`, `Reset your password at the login page.`, `password = os.environ["DB_PASS"]`]), [])
  add(pick([`import { createHash } from 'node:crypto'\nconst h = createHash('sha256').update(data).digest('hex')`, `for (let i = 0; i < 10; i++) console.log(i * 2)`, `SELECT id, created_at FROM orders WHERE total > 100.50 ORDER BY id DESC LIMIT 20`, `src/components/HeaderNavigation/index.tsx`, `docker run -p 8080:80 nginx:1.25.3`, `std::vector<int> v; v.push_back(42);`]), [])
  add(`The meeting is on 12/03/2024 at 14:30:00, room 101, ext 4521.`, [])
  add(`Order #${chars(DI, 10)} shipped; tracking ${chars(UP, 2)}${chars(DI, 9)}${chars(UP, 2)}`, [])
  add(pick([`npm install react@18.2.0 lodash@4.17.21`, `See RFC 7519 section 4.1 and ISO 8601.`, `The logo is at assets/icon@2x.png`, `getUserProfileById2 and parseHttpResponseV3`, `Version 10.0.19045.3693 of Windows`, `OID 1.3.6.1.4.1.311 identifies Microsoft`, `MAC 00:1A:2B:3C:4D:5E on eth0`, `sk-learn is a typo for scikit-learn`, `base64 of hello is aGVsbG8=`]), [])
  add(`Account number 12345678, sort code 20-00-00, invoice INV-2024-000123`, [])
  add(`eyJhbGciOi is how a JWT header starts; ew is also possible`, [])
  add(`Pi is 3.14159265358979323846 and e is 2.71828182845904523536`, [])
}
const file = fileURLToPath(new URL('./corpus.jsonl', import.meta.url))
writeFileSync(file, out.map((o) => JSON.stringify(o)).join('\n') + '\n')
console.log(`wrote ${out.length} samples to ${file}`)
