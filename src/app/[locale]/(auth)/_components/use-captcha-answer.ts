'use client';
/**
 * The CAPTCHA answer of an account form (AUTH-4), shared by sign-up and sign-in: a submit sends at
 * once when the widget has solved, or waits and sends as soon as it does. The answer lives in a ref,
 * not in state: a submit right after the widget solved, before React re-rendered, must see it (a
 * state value read by that submit's closure would still be null, and the form would wait for a
 * `verified` event that had already come). Each answer is spent by one send; `submit` takes the
 * form's send, so a send may itself ask to wait (sign-in, refused for want of a CAPTCHA).
 */
import { useRef, useState } from 'react';

type Send<V> = (values: V, answer: string) => void;

export function useCaptchaAnswer<V>() {
  const answer = useRef<string | null>(null);
  const waitingFor = useRef<{ values: V; send: Send<V> } | null>(null);
  const [waiting, setWaiting] = useState(false);

  /** The widget's `onChange`: a new answer (or null when it expired or was reset). */
  const onChange = (value: string | null) => {
    const waited = waitingFor.current;
    if (value && waited) {
      waitingFor.current = null;
      answer.current = null;
      setWaiting(false);
      waited.send(waited.values, value);
    } else {
      answer.current = value;
    }
  };

  /** Sends `values` with the answer now, or as soon as the widget has one. */
  const submit = (values: V, send: Send<V>) => {
    const ready = answer.current;
    if (ready) {
      answer.current = null;
      send(values, ready);
    } else {
      waitingFor.current = { values, send };
      setWaiting(true);
    }
  };

  return { onChange, submit, waiting };
}
