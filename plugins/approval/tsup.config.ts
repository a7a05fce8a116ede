import { reviewTypeBuild } from '../../scripts/review-type-tsup.js';

// The build every built-in review type shares; plugins/rating/tsup.config.ts is the standalone version.
export default reviewTypeBuild();
