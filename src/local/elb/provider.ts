/** Elastic Load Balancing: v2 (application/network) and classic, each with a real proxy data plane. */
export { createElbV2Service } from './v2/provider';
export { createElbClassicService } from './classic/provider';
