/** Every event of a conversation's log, live (the debug console reads agents' timings from them). */
import { useEffect, useState } from 'react';
import { TrackingSocket } from '../api/tracking-socket';
import type { ConversationEvent } from '../api/types';

export function useConversationEvents(conversationId: string | null): ConversationEvent[] {
  const [events, setEvents] = useState<ConversationEvent[]>([]);
  useEffect(() => {
    setEvents([]);
    if (conversationId === null) return undefined;
    const socket = new TrackingSocket(conversationId, {
      onEvent: (event) => setEvents((previous) => [...previous, event]),
      onSnapshot: ({ logReset }) => {
        if (logReset) setEvents([]);
      },
    });
    socket.start();
    return () => socket.stop();
  }, [conversationId]);
  return events;
}
