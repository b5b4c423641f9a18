"""What leaves the site for other platforms: the WeChat copy for the official account lands here (not stats/, which reads WeChat analytics)."""
