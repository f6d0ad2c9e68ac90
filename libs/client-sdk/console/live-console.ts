/*
 * The live console: a page the gateway serves in development (GET /console), built only on the
 * public API of the SDK, so it doubles as a working example of it.
 */
import {
  compareDecimals,
  createGatewayClient,
  formatDecimal,
  type BookLevel,
  type LatestSubscription,
  type OrderBookSubscription,
  type OrderBookView,
  type PriceUpdateMessage,
  type TradeNotificationMessage,
} from '../src/index';

const DEFAULT_PAIRS = ['BTC-USDC', 'ETH-USDC', 'SOL-USDC'];
const BOOK_DEPTH = 10;
const LIST_LENGTH = 25;

const element = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

let token: string | undefined;
const client = createGatewayClient({ url: location.origin, getToken: () => token });

client.on('state', ({ state }) => {
  const badge = element('state');
  badge.textContent = state;
  badge.className = `badge state-${state}`;
});
client.on('connected', ({ connectionId, userId }) => {
  element('connection').textContent = `connection ${connectionId.slice(0, 8)}`;
  element('who').textContent = userId ? `signed in as ${userId}` : 'anonymous';
});
client.on('disconnected', ({ reason }) => {
  element('connection').textContent = `disconnected: ${reason}`;
});
client.on('error', (error) => console.warn(`[gateway] ${error.code}: ${error.message}`));

interface Market {
  price: LatestSubscription<PriceUpdateMessage>;
  trades: LatestSubscription<TradeNotificationMessage>;
  book: OrderBookSubscription;
}
let market: Market | undefined;

function showPair(symbol: string): void {
  if (market) Object.values(market).forEach((subscription) => subscription.unsubscribe());
  element('price').textContent = '–';
  element('price').className = '';
  element('price-change').textContent = '';
  element('trades').replaceChildren();
  element('book').replaceChildren();
  setBookStatus('waiting', 'warn');

  const price = client.price(symbol);
  let previous: string | undefined;
  price.on('update', (update) => {
    const shown = element('price');
    shown.textContent = formatDecimal(update.price, { grouping: true });
    if (previous !== undefined) shown.className = compareDecimals(update.price, previous) >= 0 ? 'up' : 'down';
    previous = update.price;
    element('price-change').textContent = update.change !== undefined ? `change ${update.change} · volume ${formatDecimal(update.volume ?? '0', { decimals: 0, grouping: true })}` : '';
    element('price-seq').textContent = `seq ${update.seq}`;
  });

  const trades = client.trades(symbol);
  trades.on('update', (trade) => {
    prepend('trades', `<span class="${trade.side === 'buy' ? 'ok' : 'down'}">${trade.side}</span><span>${trade.amount}</span><span>@ ${formatDecimal(trade.price, { grouping: true })}</span><span class="muted">${time(trade.timestamp)}</span>`);
    element('trades-seq').textContent = `seq ${trade.seq}`;
  });

  const book = client.orderBook(symbol);
  book.on('update', renderBook);
  book.on('resync', ({ reason }) => setBookStatus(`resyncing (${reason})`, 'warn'));
  market = { price, trades, book };
}

function renderBook(view: OrderBookView): void {
  const asks = view.asks.slice(0, BOOK_DEPTH).reverse();
  const bids = view.bids.slice(0, BOOK_DEPTH);
  // One number of decimals for every visible price, so the column lines up.
  const decimals = Math.max(0, ...[...asks, ...bids].map(([price]) => price.split('.')[1]?.length ?? 0));
  const row = (kind: string, [price, size]: BookLevel) => `<tr class="${kind}"><td>${formatDecimal(price, { decimals, grouping: true })}</td><td>${size}</td></tr>`;
  const spread = asks.length > 0 && bids.length > 0 ? `spread ${spreadOf(view.asks[0][0], view.bids[0][0])} · seq ${view.seq}` : `seq ${view.seq}`;
  element('book').innerHTML = [...asks.map((level) => row('ask', level)), `<tr class="spread"><td colspan="2">${spread}</td></tr>`, ...bids.map((level) => row('bid', level))].join('');
  if (!view.isSynced) setBookStatus('out of sync', 'warn');
  else if (view.checksumVerified) setBookStatus('checksum ok', 'ok');
  else setBookStatus('in sync (no checksum)', 'muted');
}

function spreadOf(ask: string, bid: string): string {
  // Display only: a double is precise enough for the width of a spread.
  return (Number(ask) - Number(bid)).toFixed(2);
}

function setBookStatus(text: string, tone: 'ok' | 'warn' | 'muted'): void {
  const status = element('book-status');
  status.textContent = text;
  status.className = tone;
}

let signedIn = false;
async function signIn(): Promise<void> {
  const userId = element<HTMLInputElement>('user-id').value.trim();
  const response = await fetch('/dev/tokens', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId }) });
  if (!response.ok) {
    element('who').textContent = `no dev token: HTTP ${response.status} (is this the standalone app?)`;
    return;
  }
  token = ((await response.json()) as { token: string }).token;
  element('notifications').replaceChildren();
  client.reconnect();
  if (signedIn) return;
  signedIn = true;
  client.trades().on('update', (fill) => {
    prepend('notifications', `<span>fill <b class="${fill.side === 'buy' ? 'ok' : 'down'}">${fill.side}</b> ${fill.amount} ${fill.symbol} @ ${formatDecimal(fill.price, { grouping: true })}</span><span class="muted">${time(fill.timestamp)}</span>`);
    element('private-seq').textContent = `fills seq ${fill.seq}`;
  });
  const portfolio = client.portfolio();
  portfolio.on('update', (update) => {
    prepend('notifications', `<span>portfolio ${formatDecimal(update.totalValue, { decimals: 2, grouping: true })}${update.pnl !== undefined ? ` (pnl ${update.pnl})` : ''}</span><span class="muted">${time(update.timestamp)}</span>`);
  });
  portfolio.on('gap', ({ fromSeq, toSeq }) => prepend('notifications', `<span class="warn">missed portfolio updates ${fromSeq + 1}–${toSeq}: reload it from the API</span>`));
}

function prepend(listId: string, html: string): void {
  const list = element(listId);
  const item = document.createElement('li');
  item.innerHTML = html;
  list.prepend(item);
  while (list.children.length > LIST_LENGTH) list.lastElementChild?.remove();
}

function time(timestamp: number): string {
  return new Date(timestamp).toLocaleTimeString();
}

function start(): void {
  const asked = new URLSearchParams(location.search).get('pair')?.toUpperCase();
  const requested = asked && /^[A-Z0-9]{1,16}-[A-Z0-9]{1,16}$/.test(asked) ? asked : undefined;
  const pairs = requested && !DEFAULT_PAIRS.includes(requested) ? [requested, ...DEFAULT_PAIRS] : DEFAULT_PAIRS;
  const select = element<HTMLSelectElement>('pair');
  select.innerHTML = pairs.map((pair) => `<option>${pair}</option>`).join('');
  select.value = requested ?? DEFAULT_PAIRS[0];
  select.addEventListener('change', () => showPair(select.value));
  element('sign-in').addEventListener('click', () => void signIn().catch((error: Error) => (element('who').textContent = error.message)));
  client.systemAlerts().on('update', (alert) => prepend('alerts', `<span class="${alert.level === 'info' ? 'muted' : 'warn'}">${alert.level}</span><span>${escapeHtml(alert.message)}</span>`));
  showPair(select.value);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

start();
