/**
 * Live state of one conversation: the stored transcript, then every event of its log through the
 * tracking socket (from seq 0, so a page opened mid-turn shows the stream so far). Sending a message to
 * a new conversation reports the id the API chose, so the page can navigate to it.
 */
import { useCallback, useEffect, useReducer, useState } from 'react';
import { api } from '../api/client';
import { ApiError } from '../api/http';
import { TrackingSocket } from '../api/tracking-socket';
import { conversationReducer, initialConversationState, type ConversationState } from './conversation-state';

export interface UseConversation {
  state: ConversationState;
  sending: boolean;
  sendError: string | null;
  loadError: string | null;
  send: (message: string) => Promise<void>;
}

export interface UseConversationOptions {
  customerId?: string;
  onCreated?: (conversationId: string, firstMessage: string) => void;
  /**
   * When the conversation is gone for this visitor (unknown to the API, another customer's, or closed), send the
   * message as the first of a new conversation instead of failing (the widget, which remembers one conversation
   * per browser). `onCreated` reports the new one.
   */
  startOverWhenGone?: boolean;
}

/** API error codes after which a conversation cannot take another message from this visitor. */
const GONE_CODES: ReadonlySet<string> = new Set(['conversation_not_found', 'conversation_closed']);

export function useConversation(conversationId: string | null, options: UseConversationOptions = {}): UseConversation {
  const [state, dispatch] = useReducer(conversationReducer, conversationId, initialConversationState);
  const [sending, setSending] = useState(false);
  const [sendError, setSendError] = useState<string | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const { customerId, onCreated, startOverWhenGone = false } = options;

  useEffect(() => {
    dispatch({ type: 'reset', conversationId });
    setLoadError(null);
    if (conversationId === null) return undefined;
    const abort = new AbortController();
    api
      .getConversation(conversationId, abort.signal)
      .then((detail) => dispatch({ type: 'history-loaded', messages: detail.messages }))
      .catch((error: unknown) => {
        if (abort.signal.aborted) return;
        // A conversation whose first turn has not stored anything yet is simply empty.
        if (error instanceof ApiError && error.code === 'conversation_not_found') return;
        setLoadError(error instanceof Error ? error.message : 'Could not load the conversation');
      });
    const socket = new TrackingSocket(conversationId, {
      onEvent: (event) => dispatch({ type: 'event', event }),
      onSnapshot: (snapshot) => dispatch({ type: 'snapshot', state: snapshot.state, logReset: snapshot.logReset }),
      onStatus: (status) => dispatch({ type: 'status', status }),
    });
    socket.start();
    return () => {
      abort.abort();
      socket.stop();
    };
  }, [conversationId]);

  const send = useCallback(
    async (message: string) => {
      setSending(true);
      setSendError(null);
      const sendTo = (id: string | null) => api.sendMessage({ message, ...(id === null ? {} : { conversationId: id }), ...(customerId === undefined ? {} : { customerId }) });
      try {
        let accepted;
        try {
          accepted = await sendTo(conversationId);
        } catch (error) {
          if (!(startOverWhenGone && conversationId !== null && error instanceof ApiError && GONE_CODES.has(error.code))) throw error;
          onCreated?.((await sendTo(null)).conversationId, message);
          return;
        }
        if (conversationId === null) onCreated?.(accepted.conversationId, message);
        else dispatch({ type: 'message-sent', turnId: accepted.turnId, message });
      } catch (error) {
        setSendError(error instanceof Error ? error.message : 'The message could not be sent');
        throw error;
      } finally {
        setSending(false);
      }
    },
    [conversationId, customerId, onCreated, startOverWhenGone],
  );

  return { state, sending, sendError, loadError, send };
}
