/*
 * The survey chat: Microsoft's Web Chat talking Direct Line to the survey server.
 *
 * Used by the survey page and by the embed on the force website (docs/embed.md).
 * It renders into the element with a data-survey-bot attribute, whose value is
 * the survey server's address (empty: this page's own server). The conversation
 * id, its token and a resume token are kept in this browser's local storage, so
 * reloading, or closing the page and coming back within the hours the server
 * allows (WEBCHAT_RESUME_HOURS), carries on the same conversation; when the
 * server allows none, only this tab keeps them. "Leave this site quickly" wipes
 * them. No secret is ever in the page: the server hands out a token for one new
 * conversation.
 */
(function () {
  'use strict';

  var STORAGE_KEY = 'survey-bot:conversation';
  // A random id the server signed, so this browser is the same resident next time (for
  // "one response per resident"). Nothing about the person; Leave this site quickly wipes it.
  var RESIDENT_KEY = 'survey-bot:resident';
  var SAVE_EVERY_MS = 30 * 1000;
  // botframework-directlinejs ConnectionStatus values.
  var ONLINE = 2;
  var FAILED_TO_CONNECT = 4;
  var ENDED = 5;
  // Set when the resident leaves quickly: nothing may be saved after that.
  var leaving = false;

  // Safety advice starts with these words on every channel (bot/channels.py); here its
  // bubble is also drawn as a warning, so it is not one more grey bubble.
  var URGENT_LEAD = 'Important:';
  var URGENT_CLASS = 'chat__urgent';

  var STYLE = {
    accent: '#1d4f91',
    primaryFont: 'Arial, "Helvetica Neue", Helvetica, sans-serif',
    backgroundColor: '#ffffff',
    subtle: '#505a5f',
    timestampColor: '#505a5f',
    bubbleBackground: '#f3f2f1',
    bubbleTextColor: '#0b0c0c',
    bubbleBorderColor: '#b1b4b6',
    bubbleBorderRadius: 4,
    bubbleFromUserBackground: '#1d4f91',
    bubbleFromUserTextColor: '#ffffff',
    bubbleFromUserBorderColor: '#1d4f91',
    bubbleFromUserBorderRadius: 4,
    bubbleMaxWidth: 640,
    suggestedActionLayout: 'flow',
    suggestedActionBackgroundColor: '#ffffff',
    suggestedActionBorderColor: '#1d4f91',
    suggestedActionBorderRadius: 4,
    suggestedActionBorderWidth: 2,
    suggestedActionTextColor: '#1d4f91',
    suggestedActionHeight: 44,
    sendBoxTextWrap: true,
    sendBoxButtonColor: '#1d4f91',
    sendBoxPlaceholderColor: '#505a5f',
    hideUploadButton: true
  };

  // Local storage when the server lets residents carry on later; else this tab's only.
  function stores() {
    var found = [];
    try { found.push(window.localStorage); } catch (error) { /* refused */ }
    try { found.push(window.sessionStorage); } catch (error) { /* refused */ }
    return found;
  }

  function remembered() {
    var all = stores();
    for (var i = 0; i < all.length; i += 1) {
      try {
        var saved = JSON.parse(all[i].getItem(STORAGE_KEY) || 'null');
        if (saved && saved.conversationId && saved.token) {
          if (saved.resumeUntil && Date.now() > saved.resumeUntil) {
            all[i].removeItem(STORAGE_KEY);
            continue;
          }
          return saved;
        }
      } catch (error) {
        // Unreadable: treat as nothing saved.
      }
    }
    return null;
  }

  function remember(chat) {
    var keep = chat.resume ? window.localStorage : window.sessionStorage;
    try {
      keep.setItem(STORAGE_KEY, JSON.stringify(chat));
    } catch (error) {
      // Private browsing may refuse storage: the chat still works, it just cannot resume.
    }
  }

  function forget(everything) {
    var all = stores();
    for (var i = 0; i < all.length; i += 1) {
      try {
        all[i].removeItem(STORAGE_KEY);
        if (everything) {
          all[i].removeItem(RESIDENT_KEY);
        }
      } catch (error) {
        // Nothing stored.
      }
    }
  }

  function resident() {
    try {
      return window.localStorage.getItem(RESIDENT_KEY) || '';
    } catch (error) {
      return '';
    }
  }

  function kept(answer, resumed) {
    if (answer.resident && !leaving) {
      try {
        window.localStorage.setItem(RESIDENT_KEY, answer.resident);
      } catch (error) {
        // Refused: next time this browser is a new resident.
      }
    }
    var chat = {
      conversationId: answer.conversationId,
      token: answer.token,
      userId: answer.userId,
      resumed: resumed
    };
    if (answer.resume) {
      chat.resume = answer.resume;
      chat.resumeUntil = Date.now() + answer.resumeFor * 1000;
    }
    return chat;
  }

  async function post(url, token) {
    var headers = token ? { Authorization: 'Bearer ' + token } : {};
    var response = await window.fetch(url, {
      method: 'POST',
      headers: headers,
      credentials: 'omit',
      cache: 'no-store'
    });
    if (!response.ok) {
      throw new Error('The chat server answered ' + response.status + '.');
    }
    return response.json();
  }

  // A token for the conversation this tab had, refreshed; or for a new one.
  async function conversation(server, resume) {
    var saved = resume ? remembered() : null;
    if (saved) {
      try {
        return kept(await post(server + '/v3/directline/tokens/refresh', saved.token), true);
      } catch (error) {
        // The token has lapsed since the page was closed: the resume token still works.
      }
      if (saved.resume) {
        try {
          return kept(await post(server + '/api/webchat/resume', saved.resume), true);
        } catch (error) {
          // Too late, or the conversation has gone: start afresh.
        }
      }
      forget();
    }
    return kept(await post(server + '/api/webchat/token', resident()), false);
  }

  function status(element, text) {
    var line = element.querySelector('[data-chat-status]');
    if (line) {
      line.textContent = text;
    }
  }

  async function start(element, resume) {
    var server = (element.getAttribute('data-survey-bot') || window.location.origin).replace(/\/+$/, '');
    var chat = await conversation(server, resume);
    remember(chat);
    var options = { domain: server + '/v3/directline', token: chat.token, webSocket: true };
    if (chat.resumed) {
      // Reconnect to the same conversation: its history is replayed.
      options.conversationId = chat.conversationId;
    }
    var directLine = window.WebChat.createDirectLine(options);
    var online = false;
    var subscription = directLine.connectionStatus$.subscribe(function (connection) {
      if (connection === ONLINE) {
        online = true;
      } else if (chat.resumed && !online && (connection === FAILED_TO_CONNECT || connection === ENDED)) {
        // The old conversation has gone (or its token could not be used): start afresh.
        subscription.unsubscribe();
        directLine.end();
        forget();
        start(element, false).catch(function (error) { failed(element, error); });
      }
    });
    var save = function () {
      if (directLine.token && !leaving) {
        remember({
          conversationId: chat.conversationId,
          token: directLine.token,
          userId: chat.userId,
          resume: chat.resume,
          resumeUntil: chat.resumeUntil
        });
      }
    };
    window.setInterval(save, SAVE_EVERY_MS);
    window.addEventListener('pagehide', save);
    window.WebChat.renderWebChat(
      {
        directLine: directLine,
        userID: chat.userId,
        locale: element.getAttribute('data-locale') || 'en-GB',
        nonce: element.getAttribute('data-nonce') || undefined,
        styleOptions: STYLE
      },
      element
    );
    markUrgent(element);
    britishTimes(element);
    element.setAttribute('data-chat-ready', chat.resumed ? 'resumed' : 'new');
  }

  // Mark each bot bubble that holds safety advice, as Web Chat adds it.
  function markUrgent(element) {
    var mark = function () {
      var bubbles = element.querySelectorAll('.webchat__bubble:not(.webchat__bubble--from-user)');
      for (var i = 0; i < bubbles.length; i += 1) {
        var text = (bubbles[i].textContent || '').replace(/^\s+/, '');
        if (text.indexOf(URGENT_LEAD) === 0 && !bubbles[i].classList.contains(URGENT_CLASS)) {
          bubbles[i].classList.add(URGENT_CLASS);
        }
      }
    };
    new window.MutationObserver(mark).observe(element, { childList: true, subtree: true });
  }

  // Web Chat has no British English formats, so it writes times the American way
  // ("December 4 at 1:32 AM"). Rewrite them as they are written here ("4 December at
  // 1:32am"), on screen and for screen readers, each time Web Chat redraws them.
  var AMERICAN_TIME = /\b(January|February|March|April|May|June|July|August|September|October|November|December) (\d{1,2}) at (\d{1,2}):(\d{2}) (AM|PM)\b/g;
  var BARE_AMERICAN_TIME = /\b(\d{1,2}):(\d{2}) (AM|PM)\b/g;

  function british(text) {
    return text
      .replace(AMERICAN_TIME, function (all, month, day, hour, minute, half) {
        return day + ' ' + month + ' at ' + hour + ':' + minute + half.toLowerCase();
      })
      .replace(BARE_AMERICAN_TIME, function (all, hour, minute, half) {
        return hour + ':' + minute + half.toLowerCase();
      });
  }

  function britishTimes(element) {
    var fix = function () {
      var walker = document.createTreeWalker(element, window.NodeFilter.SHOW_TEXT);
      var node = walker.nextNode();
      while (node) {
        if (node.parentElement && node.parentElement.closest('.webchat__activity-status, .webchat__stacked-layout__status')) {
          var text = british(node.nodeValue || '');
          if (text !== node.nodeValue) {
            node.nodeValue = text;
          }
        }
        node = walker.nextNode();
      }
      var labelled = element.querySelectorAll('[aria-label*=" AM"], [aria-label*=" PM"], [title*=" AM"], [title*=" PM"]');
      for (var i = 0; i < labelled.length; i += 1) {
        ['aria-label', 'title'].forEach(function (name) {
          var value = labelled[i].getAttribute(name);
          if (value && british(value) !== value) {
            labelled[i].setAttribute(name, british(value));
          }
        });
      }
    };
    new window.MutationObserver(fix).observe(element, { childList: true, subtree: true, characterData: true });
    fix();
  }

  function failed(element, error) {
    status(element, 'Sorry, the chat could not start. Please try again later.');
    if (window.console) {
      window.console.error(error);
    }
  }

  // Clear the conversation from this browser and go to a neutral site, leaving
  // nothing in the back button history.
  function leaveQuickly(event) {
    event.preventDefault();
    leaving = true;
    forget(true);
    document.body.classList.add('leaving');
    window.location.replace(event.currentTarget.getAttribute('href'));
  }

  function ready() {
    document.documentElement.classList.remove('no-js');
    var leave = document.querySelectorAll('[data-leave-quickly]');
    for (var i = 0; i < leave.length; i += 1) {
      leave[i].addEventListener('click', leaveQuickly);
    }
    var element = document.querySelector('[data-survey-bot]');
    if (!element) {
      return;
    }
    if (!window.WebChat) {
      failed(element, new Error('Web Chat did not load.'));
      return;
    }
    start(element, true).catch(function (error) { failed(element, error); });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', ready);
  } else {
    ready();
  }
})();
