/** @module Authentication: the Verifier and Signer contracts, JWT (jose) and Basic adapters of them. */
export { type BasicOptions, basicVerifier } from './basic.js'
export { type JwtSignerOptions, type JwtVerifierOptions, jwtSigner, jwtVerifier } from './jwt.js'
export { basicRefusal, bearerRefusal, bearerToken, type Signer, staticCredential, type Verifier } from './verifier.js'
