/**
 * The fatal worker error that means Discord refused the token itself. An account showing it is
 * not started again (by the user, the cluster or a restart) until its token changes.
 */
export const REJECTED_TOKEN_CODE = 'TOKEN_INVALID';
