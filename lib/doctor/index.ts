export { classifyToken } from './classify';
export type { ClassifyOptions, FormProblem, TokenClassification } from './classify';
export { decodeJwtClaims } from './jwt';
export { diagnoseToken } from './diagnose';
export type { Diagnosis, DoctorInput } from './diagnose';
export { resolveDoctorSources } from './input';
export {
  explainAuthFailure,
  preflightApiToken,
  PreflightError,
  refusedTokenMessage,
  tokenRequirement,
} from './preflight';
export type { ApiScope, PreflightErrorCode, PreflightOptions, PreflightResult } from './preflight';
export { renderJson, renderText } from './render';
export { EXPECT_ALIASES, parseExpect, TOKEN_TYPES, TOKEN_TYPE_LABEL } from './types';
export type { Check, CheckStatus, DoctorReport, Identity, TokenType } from './types';
