/**
 * The ALTCHA proof-of-work worker for SHA-* challenges, bundled as our own worker file so the strict
 * CSP (`worker-src 'self' blob:`) admits it (`altcha/external` ships no inline workers).
 */
import 'altcha/workers/sha';
