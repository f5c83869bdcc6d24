export { Ballast, BALLAST_BYTES } from './ballast';
export { DEFAULT_RESERVE_BYTES, freeBytes, requireSpace, sessionSpaceProblem, spaceState, type SpaceState } from './reserve';
