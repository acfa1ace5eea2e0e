#include "format.h"

#include <math.h>
#include <stdio.h>

void format_microseconds(double us, char *buf, size_t size)
{
	if (isnan(us))
		snprintf(buf, size, "-");
	else if (us < 1000)
		snprintf(buf, size, "%.0fus", us);
	else if (us < 1e6)
		snprintf(buf, size, "%.1fms", us / 1000);
	else
		snprintf(buf, size, "%.2fs", us / 1e6);
}

void format_ratio(double ratio, char *buf, size_t size)
{
	if (isnan(ratio))
		snprintf(buf, size, "-");
	else if (fabs(ratio) < 9.95)
		snprintf(buf, size, "%.1fx", ratio);
	else if (fabs(ratio) < 100)
		snprintf(buf, size, "%.0fx", ratio);
	else
		snprintf(buf, size, "%.0fx", round(ratio / pow(10, floor(log10(fabs(ratio))) - 1)) *
					       pow(10, floor(log10(fabs(ratio))) - 1));
}

void format_slope(const struct linear_fit *fit, double scale, const char *unit, char *buf, size_t size)
{
	if (fit->verdict == FIT_SLOPE)
		snprintf(buf, size, "%.3g %s (95%% CI %.3g to %.3g)", fit->slope * scale, unit, fit->slope_low * scale,
			 fit->slope_high * scale);
	else if (fit->verdict == FIT_FLAT)
		snprintf(buf, size, "flat (no significant slope: 95%% CI %.3g to %.3g %s)", fit->slope_low * scale,
			 fit->slope_high * scale, unit);
	else
		snprintf(buf, size, "not enough points");
}
