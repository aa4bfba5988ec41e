/** Elastic Load Balancing: v2 (application/network) and classic, each with a real proxy data plane. */
export { createElbV2Service } from './v2';
export { createElbClassicService } from './classic';
