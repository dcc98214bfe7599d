/**
 * The status page's script (see status-page.ts): it polls `GET status` and renders with
 * textContent only. A plain string (String.raw keeps its backslashes as written): it must not
 * contain a backtick or a dollar-brace.
 */
export const SCRIPT = String.raw`
(function () {
  'use strict';
  var REFRESH_MS = 3000;
  var STORAGE_KEY = 'crisp-mirror-status-token';
  var byId = function (id) { return document.getElementById(id); };
  var timer = null;
  var lastSuccess = null;

  function readFragmentToken() {
    var match = /(?:^#|&)token=([^&]*)/.exec(location.hash);
    if (!match) return;
    sessionStorage.setItem(STORAGE_KEY, decodeURIComponent(match[1]));
    history.replaceState(null, '', location.pathname + location.search);
  }

  function token() { return sessionStorage.getItem(STORAGE_KEY); }

  function setText(id, value) { byId(id).textContent = value == null ? '–' : String(value); }

  function number(value) { return value == null ? '–' : Number(value).toLocaleString('en-US'); }

  function ago(isoDate) {
    if (!isoDate) return 'never';
    var seconds = Math.max(0, Math.round((Date.now() - Date.parse(isoDate)) / 1000));
    return duration(seconds) + ' ago';
  }

  function duration(seconds) {
    if (seconds == null) return '–';
    if (seconds < 60) return seconds + ' s';
    if (seconds < 3600) return Math.round(seconds / 60) + ' min';
    if (seconds < 172800) return (seconds / 3600).toFixed(1) + ' h';
    return Math.round(seconds / 86400) + ' d';
  }

  function showMessage(text) {
    var banner = byId('message');
    banner.textContent = text;
    banner.hidden = !text;
  }

  function cell(row, value, className) {
    var td = document.createElement('td');
    td.textContent = value == null ? '–' : String(value);
    if (className) td.className = className;
    row.appendChild(td);
    return td;
  }

  function setBar(bar, fraction, stateClass) {
    bar.className = 'bar' + (stateClass ? ' ' + stateClass : '');
    var fill = bar.firstElementChild || bar.appendChild(document.createElement('span'));
    if (fraction == null) {
      bar.classList.add('indeterminate');
      bar.removeAttribute('aria-valuenow');
      fill.style.width = '';
      return;
    }
    var clamped = Math.max(0, Math.min(1, fraction));
    bar.setAttribute('aria-valuenow', clamped.toFixed(3));
    fill.style.width = (clamped * 100).toFixed(1) + '%';
  }

  function renderReconciler(websites) {
    var body = byId('reconciler-rows');
    body.replaceChildren();
    if (websites.length === 0) {
      var empty = document.createElement('tr');
      cell(empty, 'no catch-up has run yet', 'muted').colSpan = 3;
      body.appendChild(empty);
    }
    websites.forEach(function (website) {
      var row = document.createElement('tr');
      cell(row, website.websiteId);
      cell(row, website.watermark);
      cell(row, duration(website.ageSeconds));
      body.appendChild(row);
    });
  }

  function renderFreshness(entities) {
    var body = byId('freshness-rows');
    body.replaceChildren();
    entities.forEach(function (entity) {
      var row = document.createElement('tr');
      row.dataset.entity = entity.entity;
      cell(row, entity.entity);
      cell(row, entity.lastEventAt ? ago(entity.lastEventAt) : 'none yet');
      cell(row, entity.lastRefreshAt ? ago(entity.lastRefreshAt) : 'never');
      body.appendChild(row);
    });
  }

  function renderJobs(jobs) {
    var body = byId('backfill-rows');
    body.replaceChildren();
    if (jobs.length === 0) {
      var empty = document.createElement('tr');
      cell(empty, 'no backfill job', 'muted').colSpan = 7;
      body.appendChild(empty);
    }
    jobs.forEach(function (job) {
      var row = document.createElement('tr');
      row.className = 'job';
      row.dataset.jobId = job.id;
      row.dataset.state = job.state;
      cell(row, job.websiteId);
      var state = cell(row, job.state + (job.phase === 'listing' ? ' (listing)' : ''));
      if (job.error) {
        var reason = document.createElement('div');
        reason.className = job.state === 'failed' ? 'error' : 'muted';
        reason.textContent = job.error;
        state.appendChild(reason);
      }
      var bar = document.createElement('div');
      bar.setAttribute('role', 'progressbar');
      bar.setAttribute('aria-label', 'backfill ' + job.websiteId);
      bar.setAttribute('aria-valuemin', '0');
      bar.setAttribute('aria-valuemax', '1');
      setBar(bar, job.progress, job.state);
      var progressCell = cell(row, '');
      progressCell.appendChild(bar);
      var percent = document.createElement('div');
      percent.className = 'muted';
      percent.textContent = job.progress == null ? 'listing…' : Math.floor(job.progress * 100) + ' %';
      progressCell.appendChild(percent);
      cell(row, number(job.conversationsDone) + ' / ' + number(job.conversationsTotal) +
        (job.totalKnown ? '' : '+'));
      cell(row, number(job.messagesDone));
      cell(row, number(job.requestsSpent));
      cell(row, job.state === 'running' ? duration(job.estimatedSecondsLeft) : '–');
      body.appendChild(row);
    });
  }

  function render(status) {
    var rtm = byId('rtm-state');
    rtm.textContent = status.rtm.state;
    rtm.className = 'big state-' + status.rtm.state;
    setText('rtm-connected-at', status.rtm.connectedAt ? ago(status.rtm.connectedAt) : 'never');
    setText('rtm-last-event', ago(status.rtm.lastEventAt));
    setText('events-per-minute', number(status.events.perMinute));
    setText('quota-used', number(status.quota.usedToday));
    setText('quota-budget', number(status.quota.dailyBudget));
    setText('quota-left', number(status.quota.left));
    setBar(byId('quota-bar'), status.quota.dailyBudget > 0 ?
      status.quota.usedToday / status.quota.dailyBudget : 1, null);
    renderReconciler(status.reconciler.websites);
    renderJobs(status.backfill.jobs);
    renderFreshness(status.freshness || []);
    var leader = status.instance.leader == null ? '' :
      status.instance.leader ? ', RTM leader' : ', RTM standby';
    setText('instance', 'v' + status.instance.version + ', up since ' +
      new Date(status.instance.startedAt).toLocaleString() + leader);
  }

  function refresh() {
    clearTimeout(timer);
    var headers = { Accept: 'application/json' };
    if (token()) headers.Authorization = 'Bearer ' + token();
    fetch('status', { headers: headers, cache: 'no-store' })
      .then(function (response) {
        if (response.status === 401 || response.status === 403) {
          byId('token-form').hidden = false;
          showMessage(token()
            ? 'The service refused this token (HTTP ' + response.status + '). Paste another one.'
            : 'This service needs an API token: paste one below, or open this page as /#token=<token>.');
          return null;
        }
        if (!response.ok) throw new Error('HTTP ' + response.status);
        return response.json();
      })
      .then(function (body) {
        if (!body) return;
        render(body.data);
        lastSuccess = Date.now();
        showMessage('');
        byId('token-form').hidden = true;
        setText('updated', 'updated ' + new Date(lastSuccess).toLocaleTimeString());
      })
      .catch(function (error) {
        showMessage('Cannot read the status (' + error.message + ')' +
          (lastSuccess ? '; the figures below are from ' + ago(new Date(lastSuccess).toISOString()) : '') + '.');
      })
      .finally(function () {
        if (!document.hidden) timer = setTimeout(refresh, REFRESH_MS);
      });
  }

  byId('token-form').addEventListener('submit', function (event) {
    event.preventDefault();
    var value = byId('token-input').value.trim();
    if (value) sessionStorage.setItem(STORAGE_KEY, value);
    byId('token-input').value = '';
    refresh();
  });
  byId('forget-token').addEventListener('click', function () {
    sessionStorage.removeItem(STORAGE_KEY);
    refresh();
  });
  document.addEventListener('visibilitychange', function () {
    if (!document.hidden) refresh();
  });
  readFragmentToken();
  refresh();
})();
`;
